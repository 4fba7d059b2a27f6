/** The text of every benchmark message (the app API body of the end-to-end and baseline benches). */
export const BENCH_TEXT = 'Hello, I need help with my order 12345, it has not arrived yet.';
