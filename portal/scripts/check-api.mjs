// Regenerates the API types to a temporary file and fails if they differ from src/api/schema.d.ts.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "dss-portal-api-"));
const out = join(dir, "schema.d.ts");
try {
  execFileSync("npx", ["openapi-typescript", "../functions/shared/api/openapi.json", "-o", out], { stdio: "inherit" });
  const fresh = readFileSync(out, "utf8");
  const committed = readFileSync("src/api/schema.d.ts", "utf8");
  if (fresh !== committed) {
    console.error("src/api/schema.d.ts is out of date with functions/shared/api/openapi.json: run `npm run gen:api`.");
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches the OpenAPI.");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
