export { checkSignature, hmacHex, safeEqual, signPayload, type SignatureCheck } from '@switchboard/connector-sdk';
