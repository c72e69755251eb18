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
}

/** The text printed once everything answers. */
export function formatSummary(summary: Summary): string {
  const { apiUrl, demo } = summary;
  const lines = [
    "",
    "Image ingestion service is up.",
    `  API        ${apiUrl}`,
    `  Docs       ${apiUrl}/docs`,
    `  Readiness  ${apiUrl}/readyz`,
    `  Worker     ${summary.workerUrl}/readyz`,
    `  Metrics    ${apiUrl}/metrics and ${summary.workerUrl}/metrics`,
    `  Queues     ${apiUrl}/admin/queues (with ADMIN_TOKEN set; see the README's operators' section)`,
    "  Servers",
    ...summary.servers.map((line) => `    ${line}`),
    "",
  ];
  if (demo) {
    lines.push(
      summary.demoIsNew ? "Demo data (created now, kept in .data/):" : "Demo data (created on the first run):",
      `  company  ${demo.companyId}`,
      `  API key  ${demo.apiKey}`,
      `  product  ${demo.productId}`,
      "",
      "Upload an image (PNG, JPEG or WebP, up to 5 MB):",
      `  curl -X POST "${apiUrl}/api/v1/products/${demo.productId}/images" \\`,
      `    -H "Authorization: Bearer ${demo.apiKey}" \\`,
      '    -F "file=@./photo.jpg"',
      "",
    );
  } else {
    lines.push(`No demo data: ${summary.demoProblem ?? "unknown reason"}`, "");
  }
  lines.push("Ctrl-C stops everything.", "");
  return lines.join("\n");
}
