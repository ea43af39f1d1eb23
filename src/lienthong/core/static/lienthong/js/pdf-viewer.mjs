/* lienthong — inline PDF viewer (pdf.js from node_modules, served locally).
   Markup: <section data-pdf-viewer data-pdfjs="…/pdf.min.mjs" data-worker="…/pdf.worker.min.mjs">
   with a [data-pdf-pages] box; the file shown is the [data-pdf-src][data-pdf-default] of the page (or its first [data-pdf-src]), and
   any [data-pdf-src] button shows its file instead. Without JavaScript the download links stay. */
const MAX_PAGES = 60;

async function setupViewer(viewer) {
  const pages = viewer.querySelector("[data-pdf-pages]");
  const status = viewer.querySelector("[data-pdf-status]");
  const titleBox = viewer.querySelector("[data-pdf-title]");
  const pdfjs = await import(viewer.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = viewer.dataset.worker;
  let current = null;

  async function show(url, title) {
    if (current) {
      current.destroy();
      current = null;
    }
    pages.replaceChildren();
    if (titleBox) titleBox.textContent = title || "";
    status.textContent = viewer.dataset.loading || "";
    try {
      const task = pdfjs.getDocument({ url, isEvalSupported: false });
      current = task;
      const pdf = await task.promise;
      const count = Math.min(pdf.numPages, MAX_PAGES);
      status.textContent = `${pdf.numPages} ${viewer.dataset.pages || ""}`.trim();
      for (let n = 1; n <= count; n += 1) {
        if (current !== task) return;
        const page = await pdf.getPage(n);
        const width = Math.max(pages.clientWidth - 2, 200);
        const base = page.getViewport({ scale: 1 });
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: (width / base.width) * ratio });
        const canvas = document.createElement("canvas");
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.className = "pdf-page";
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", `${viewer.dataset.pageLabel || ""} ${n}`.trim());
        canvas.dataset.testid = "pdf-page";
        pages.append(canvas);
        await page.render({ canvasContext: canvas.getContext("2d"), canvas, viewport }).promise;
      }
    } catch (error) {
      status.textContent = viewer.dataset.failed || String(error);
    }
  }

  const sources = document.querySelectorAll("[data-pdf-src]");
  sources.forEach((link) => {
    // One file: it is already on show, no button needed.
    if (link.tagName === "BUTTON" && sources.length > 1) {
      link.hidden = false;
      link.addEventListener("click", () => {
        show(link.dataset.pdfSrc, link.dataset.pdfTitle);
        viewer.scrollIntoView({ behavior: "smooth", block: "start" });
      });
    }
  });
  const first =
    document.querySelector("[data-pdf-src][data-pdf-default]") ||
    document.querySelector("[data-pdf-src]");
  if (first) {
    viewer.hidden = false;
    show(first.dataset.pdfSrc, first.dataset.pdfTitle);
  }
}

document.querySelectorAll("[data-pdf-viewer]").forEach((viewer) => {
  setupViewer(viewer);
});
