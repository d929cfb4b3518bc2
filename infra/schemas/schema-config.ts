/** What the stack config says about the schema registry. */
import { Compatibility } from "../../runtime/schemas/compatibility-mode";

export interface SchemaConfig {
  compatibility: Compatibility;
  autoRegistration: boolean;
}
