/** A list typed in one box: items separated by commas (also the Chinese comma) or lines, trimmed, each once. */
export const splitList = (text: string): string[] => [
  ...new Set(
    text
      .split(/[,，\n]+/)
      .map((item) => item.trim())
      .filter(Boolean),
  ),
];
