/* The full-fidelity PDF view: PDF.js over HTTP Range requests, so only the parts of the
   file that the visible pages need are fetched. Loaded only by the pdfjs reader page. */
const holder = document.getElementById("pdfjs");
if (holder) {
  const lib = await import(holder.dataset.lib);
  lib.GlobalWorkerOptions.workerSrc = holder.dataset.worker;
  const doc = await lib.getDocument({
    url: holder.dataset.url, disableAutoFetch: true, disableStream: true, rangeChunkSize: 65536,
  }).promise;
  const first = await doc.getPage(1);
  const base = first.getViewport({ scale: 1 });
  const canvases = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const canvas = document.createElement("canvas");
    canvas.dataset.page = n;
    canvas.width = base.width;
    canvas.height = base.height;
    canvas.setAttribute("aria-label", "page " + n);
    holder.appendChild(canvas);
    canvases.push(canvas);
  }
  const render = async (canvas) => {
    const page = await doc.getPage(+canvas.dataset.page);
    const cssWidth = Math.min(holder.clientWidth || 800, 800);
    const unscaled = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (cssWidth / unscaled.width) * (window.devicePixelRatio || 1) });
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
  };
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); render(entry.target); }
    }
  }, { rootMargin: "100% 0px" });
  canvases.forEach((c) => observer.observe(c));
  const start = Math.min(Math.max(+holder.dataset.page || 1, 1), doc.numPages);
  canvases[start - 1].scrollIntoView();
}
