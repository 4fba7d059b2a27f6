/**
 * The placeholders a canned response may carry, filled when an agent inserts it. Kept free of
 * imports: the console's browser code fills them with the same rules the API checks.
 */
export const CANNED_VARIABLES = ['contact.name', 'contact.email', 'contact.phone', 'agent.name', 'company.name'] as const;

export type CannedVariable = (typeof CANNED_VARIABLES)[number];
export type CannedValues = Partial<Record<CannedVariable, string | null | undefined>>;

const PLACEHOLDER = /\{\{\s*([a-zA-Z_.]+)\s*\}\}/g;

/** The placeholders in a text that are not one of ours, as written (`{{contact.nmae}}`). */
export function unknownCannedVariables(body: string): string[] {
  return [...body.matchAll(PLACEHOLDER)].filter((m) => !(CANNED_VARIABLES as readonly string[]).includes(m[1]!)).map((m) => m[0]);
}

/**
 * The text with each placeholder replaced by its value. A value nobody knows yet (an anonymous
 * visitor's name) leaves nothing, and the space it would have left before punctuation goes too,
 * so "Hello {{contact.name}}," reads "Hello," rather than showing braces to the customer.
 */
export function fillCannedVariables(body: string, values: CannedValues): string {
  return body.replace(/( ?)\{\{\s*([a-zA-Z_.]+)\s*\}\}([,.!?;:，。！？；：]?)/g, (whole, space: string, name: string, after: string) => {
    if (!(CANNED_VARIABLES as readonly string[]).includes(name)) return whole;
    const value = values[name as CannedVariable]?.trim();
    return value ? `${space}${value}${after}` : after || space;
  });
}
