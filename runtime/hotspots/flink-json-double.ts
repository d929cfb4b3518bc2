/**
 * A JSON value as the Flink job's `json` format reads it into a DOUBLE column, so that the
 * TypeScript engine reads a record's coordinates exactly as the job does. Flink 1.20's
 * reader (flink-formats/flink-json JsonParserToRowDataConverters.convertToDouble) takes a
 * JSON number as it is and any other token through Java's Double.parseDouble of its text
 * (trimmed); with 'json.ignore-parse-errors' a value that fails is NULL. So a numeric string
 * ("-73.98") is a coordinate there, and must be one here; "NaN", "Infinity", true, objects
 * and arrays are not numbers in range, and the rules of usable-trip.ts skip them.
 */

/** Java's Double.parseDouble grammar (FloatingDecimal.readJavaFormatString), after String.trim(). */
const JAVA_DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;
/** Java's String.trim(): removes every character up to U+0020 at both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/** The number Flink reads from `value` into a DOUBLE column; NaN when it reads NULL (or NaN). */
export function flinkJsonDouble(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return NaN; // null, booleans, objects, arrays, missing
  const text = javaTrim(value);
  if (JAVA_DECIMAL.test(text)) return Number(text.replace(/[fFdD]$/, ""));
  const hex = JAVA_HEX.exec(text);
  if (hex && (hex[2] + (hex[3] ?? "")).length > 0) {
    const [, sign, whole, fraction = "", exponent] = hex;
    const mantissa = parseInt(whole + fraction || "0", 16);
    return (sign === "-" ? -1 : 1) * mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
  }
  // "NaN" and "Infinity" parse in Java too, but no coordinate is either: NaN serves for both.
  return NaN;
}
