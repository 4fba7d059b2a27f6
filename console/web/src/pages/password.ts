/** The server's rule for new passwords (console/server/auth/passwords.ts). */
export const minPasswordLength = 10;

export type PasswordProblem = 'tooShort' | 'mismatch';

/** What is wrong with a new password and its repetition, before asking the server. */
export function passwordProblem(password: string, repeated: string): PasswordProblem | undefined {
  if (password.length < minPasswordLength) return 'tooShort';
  if (password !== repeated) return 'mismatch';
  return undefined;
}
