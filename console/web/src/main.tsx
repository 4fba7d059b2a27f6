import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { tenantLocation } from './api/tenant.js';
import { ApiProvider, createApi } from './app/api-context.js';
import { App } from './app/App.js';
import { SessionProvider } from './app/session.js';
import { I18nProvider } from './i18n/i18n.js';
import './styles.css';

const api = createApi(tenantLocation(window.location.pathname));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <ApiProvider api={api}>
        <SessionProvider>
          <App />
        </SessionProvider>
      </ApiProvider>
    </I18nProvider>
  </StrictMode>,
);
