import type { DemoData } from "./demo-data.ts";

export interface Summary {
  apiUrl: string;
  workerUrl: string;
  servers: string[];
  demo: DemoData | undefined;
  /** Whether this run created the demo (else an earlier run did). */
  demoIsNew: boolean;
  /** Why there is no demo, when there is none. */
  demoProblem: string | undefined;
  /** The image the printed curl uploads (shipped in the repo, an absolute path). */
  demoImage: string;
  /** Where the services' logs go, when not on the terminal. */
  logFiles: string[] | undefined;
  /** Colour and bold for a terminal. */
  tty: boolean;
}

const RULE = "=".repeat(72);

/** The text printed once everything answers: last, between two rules, so it is easy to find. */
export function formatSummary(summary: Summary): string {
  const { apiUrl, demo } = summary;
  const bold = (text: string) => (summary.tty ? `\x1b[1m${text}\x1b[0m` : text);
  const lines = [
    "",
    RULE,
    bold("Image ingestion service is up."),
    `  API        ${apiUrl}`,
    `  Docs       ${apiUrl}/docs`,
    `  Readiness  ${apiUrl}/readyz`,
    `  Worker     ${summary.workerUrl}/readyz`,
    `  Metrics    ${apiUrl}/metrics and ${summary.workerUrl}/metrics`,
    `  Queues     ${apiUrl}/admin/queues (with ADMIN_TOKEN set; see the README's operators' section)`,
    "  Servers",
    ...summary.servers.map((line) => `    ${line}`),
    summary.logFiles ? `  Logs       ${summary.logFiles.join(", ")} (pnpm start --verbose shows them here)` : "  Logs       on this terminal (--verbose)",
    "  CLI        ./pnpm cli --help   (finds this stack by itself, through .data/stack.json)",
    "",
  ];
  if (demo) {
    lines.push(
      summary.demoIsNew ? "Demo data (created now, kept in .data/):" : "Demo data (created on the first run):",
      `  company  ${demo.companyId}`,
      `  API key  ${demo.apiKey}`,
      `  product  ${demo.productId}`,
      "",
      bold("Upload an image (PNG, JPEG or WebP, up to 5 MB); this one ships with the repo:"),
      `  curl -X POST "${apiUrl}/api/v1/products/${demo.productId}/images" \\`,
      `    -H "Authorization: Bearer ${demo.apiKey}" \\`,
      `    -F "file=@${summary.demoImage}"`,
      "",
      "Then see it processed:",
      `  curl -H "Authorization: Bearer ${demo.apiKey}" "${apiUrl}/api/v1/products/${demo.productId}/images"`,
      "",
    );
  } else {
    lines.push(`No demo data: ${summary.demoProblem ?? "unknown reason"}`, "");
  }
  lines.push(bold("Ctrl-C stops everything."), RULE, "");
  return lines.join("\n");
}
