// What PostgreSQL can store as text is checked where connectors check it too: in the SDK.
export { assertStorable, findUnstorableText, textProblem, toStorable, type TextProblem } from '@switchboard/connector-sdk';
