// MOJ Frontend re-loads GOV.UK Frontend's settings with their defaults, so its rules name
// the GOV.UK font. Oversight is not a GOV.UK service: strip that font from the built CSS.
import { readFileSync, writeFileSync } from "node:fs";

const path = process.argv[2];
const css = readFileSync(path, "utf8").replaceAll('"GDS Transport",', "");
writeFileSync(path, css);
