import type { Command } from "@commander-js/extra-typings";
import { CommandFailure } from "../command.ts";
import { runFor } from "../run-action.ts";

export function registerImagesCommand(program: Command): void {
  const images = program.command("images").description("look at managed images");

  images
    .command("status")
    .description("an image's ledger record: status, rejection reason, size, derivatives")
    .argument("<imageId>", "24 hex characters (the last path segment before the file name in its URL)")
    .action((imageId, _options, command) =>
      runFor(command, async (context) => {
        const { images: repository } = await context.repositories();
        const image = /^[0-9a-f]{24}$/.test(imageId) ? await repository.find(imageId) : null;
        if (!image) throw new CommandFailure(`No image ${imageId}.`);
        const view = {
          imageId: image.id,
          companyId: image.companyId,
          productId: image.productId,
          status: image.status,
          url: image.url,
          format: image.format,
          bytes: image.bytes,
          width: image.width,
          height: image.height,
          rejectionReason: image.rejectionReason,
          rejectionDetail: image.rejectionDetail,
          derivatives: image.derivatives.map(({ key, width, height, format, bytes }) => ({ key, width, height, format, bytes })),
          createdAt: image.createdAt.toISOString(),
          updatedAt: image.updatedAt.toISOString(),
        };
        context.result(view, () => {
          context.out(`${view.imageId}  ${view.status}${view.rejectionReason ? ` (${view.rejectionReason}: ${view.rejectionDetail})` : ""}`);
          context.out(`  company ${view.companyId}, product ${view.productId}`);
          context.out(`  ${view.url}`);
          context.out(`  ${view.format}, ${view.bytes} bytes${view.width ? `, ${view.width}x${view.height}` : ""}; updated ${view.updatedAt}`);
          for (const derivative of view.derivatives) context.out(`  ${derivative.format} ${derivative.width}x${derivative.height} ${derivative.bytes} bytes  ${derivative.key}`);
        });
      }),
    );
}
