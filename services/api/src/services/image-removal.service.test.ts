import { describe, expect, it } from "vitest";
import { droppedImageIds } from "./image-removal.service.ts";

describe("droppedImageIds", () => {
  it("names managed images that left, never external URLs or images that stayed", () => {
    const before = [{ url: "https://x/a" }, { url: "u1", imageId: "1" }, { url: "u2", imageId: "2" }];
    const after = [{ url: "u2", imageId: "2" }, { url: "u1" }];
    expect(droppedImageIds(before, after)).toEqual(["1"]);
    expect(droppedImageIds(before, [])).toEqual(["1", "2"]);
    expect(droppedImageIds([], after)).toEqual([]);
  });
});
