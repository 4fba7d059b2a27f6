import { useMemo } from 'react';
import { useApi } from '../app/api-context.js';
import { callsApi } from './api.js';

export function usePhoneApi() {
  const { client } = useApi();
  return useMemo(() => callsApi(client), [client]);
}
