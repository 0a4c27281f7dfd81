// Paraphe — the document viewer (signing page, face-to-face page, signature-place picker).
// Every page of the PDF as a canvas fitted to the width of its container, drawn with pdf.js when it comes near the
// screen, sharp on high-density screens. Boxes (a signer's place) are positioned in percent of the page, so they
// follow the page at any width. pdf.js is installed by the build into /lib/pdfjs/ (see PdfJs.targets).
//
// Coordinates: a signer's field {page, x, y, width, height} is in PDF points with the PDF convention used by the
// stamper (SignatureStamper.StampBox): origin at the bottom left of the page, y upwards. pdf.js's viewport converts
// between that and the screen (y downwards, rotation and crop box included): convertToViewportPoint / convertToPdfPoint.

const LIB = "/lib/pdfjs/";
const MAX_CANVAS_PIXELS = 4096;
let pdfjs = null;

function loadPdfJs() {
  pdfjs ??= import(LIB + "pdf.min.mjs").then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = LIB + "pdf.worker.min.mjs";
    return lib;
  });
  return pdfjs;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

/**
 * Opens the PDF at `url` into `container` (an element with a `.pdf-pages` child, or the pages are appended to it).
 * Resolves to a viewer; rejects when pdf.js or the document cannot be loaded (the caller shows the PDF link).
 */
export async function openDocument(container, url) {
  const lib = await loadPdfJs();
  const pdf = await lib.getDocument({
    url,
    isEvalSupported: false, // the signing page forbids eval (CSP)
    standardFontDataUrl: LIB + "standard_fonts/",
    wasmUrl: LIB + "wasm/",
  }).promise;

  const count = pdf.numPages;
  const list = container.querySelector(".pdf-pages") ?? container;
  list.replaceChildren();
  const pages = [];
  for (let n = 1; n <= count; n++) {
    const page = await pdf.getPage(n); // parses the page dictionary only; drawing waits for the page to be seen
    const base = page.getViewport({ scale: 1 });
    const figure = el("figure", "pdf-page");
    figure.dataset.page = String(n);
    figure.dataset.testid = "pdf-page";
    const label = el("figcaption", "pdf-page-label", `Page ${n} / ${count}`);
    label.id = `${container.id || "pdf"}-page-${n}`;
    const frame = el("div", "pdf-page-frame");
    frame.style.aspectRatio = `${base.width} / ${base.height}`;
    const canvas = el("canvas", "pdf-page-canvas");
    canvas.dataset.testid = "pdf-page-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `Page ${n} sur ${count} du document`);
    frame.append(canvas);
    figure.append(label, frame);
    list.append(figure);
    pages.push({ number: n, page, base, figure, frame, canvas, renderedWidth: 0, task: null });
  }

  async function render(p) {
    const cssWidth = p.frame.clientWidth;
    if (cssWidth === 0 || p.task || Math.abs(cssWidth - p.renderedWidth) < 1) return;
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    const scale = Math.min((cssWidth * dpr) / p.base.width, MAX_CANVAS_PIXELS / Math.max(p.base.width, p.base.height));
    const viewport = p.page.getViewport({ scale });
    const canvas = p.canvas;
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    p.renderedWidth = cssWidth;
    p.task = p.page.render({ canvasContext: canvas.getContext("2d"), canvas, viewport });
    let cancelled = false;
    try {
      await p.task.promise;
      canvas.dataset.rendered = "true";
    } catch (e) {
      if (e?.name !== "RenderingCancelledException") throw e;
      cancelled = true;
    } finally {
      p.task = null;
    }
    if (cancelled && visible.has(p)) render(p); // released while drawing, and back in sight since
  }

  // A page far from sight gives its bitmap back: a 40-page lease on a phone never holds 40 canvases at once.
  function release(p) {
    p.task?.cancel();
    p.canvas.width = 0;
    p.canvas.height = 0;
    p.renderedWidth = 0;
    delete p.canvas.dataset.rendered;
  }

  // Pages are drawn when they come within a screen of the visible part of the (scrolling) page list.
  const visible = new Set();
  const scrolls = getComputedStyle(list).overflowY !== "visible";
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const p = pages[Number(entry.target.parentElement.dataset.page) - 1];
      if (entry.isIntersecting) { visible.add(p); render(p); } else { visible.delete(p); release(p); }
    }
  }, { root: scrolls ? list : null, rootMargin: "100% 0px" });
  pages.forEach((p) => observer.observe(p.frame));
  // Wider container (phone turned, window resized): draw the visible pages again at the new width.
  let resizeTimer = 0;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => visible.forEach((p) => render(p)), 150);
  }).observe(list);

  const pageOf = (n) => pages[n - 1] ?? null;

  return {
    count,
    pageOf,

    /** The field as percentages of its page's frame: {left, top, width, height}. */
    percentOf(field) {
      const p = pageOf(field.page);
      if (!p) return null;
      // Two opposite corners (pdf.js 6 has no convertToViewportRectangle any more); rotation may swap them.
      const [x1, y1] = p.base.convertToViewportPoint(field.x, field.y);
      const [x2, y2] = p.base.convertToViewportPoint(field.x + field.width, field.y + field.height);
      const left = Math.min(x1, x2), top = Math.min(y1, y2);
      return {
        left: (left / p.base.width) * 100, top: (top / p.base.height) * 100,
        width: (Math.abs(x2 - x1) / p.base.width) * 100, height: (Math.abs(y2 - y1) / p.base.height) * 100,
      };
    },

    /** Places (or moves) `box` on the field's page; false when the page does not exist. */
    placeBox(box, field) {
      const p = pageOf(field.page);
      const at = p && this.percentOf(field);
      if (!at) { box.remove(); return false; }
      box.style.left = `${at.left}%`;
      box.style.top = `${at.top}%`;
      box.style.width = `${at.width}%`;
      box.style.height = `${at.height}%`;
      if (box.parentElement !== p.frame) p.frame.append(box);
      return true;
    },

    /** The PDF point (origin bottom left, y up) under a pointer position on page n. */
    pdfPoint(n, clientX, clientY) {
      const p = pageOf(n);
      const rect = p.frame.getBoundingClientRect();
      const vx = ((clientX - rect.left) / rect.width) * p.base.width;
      const vy = ((clientY - rect.top) / rect.height) * p.base.height;
      return p.base.convertToPdfPoint(vx, vy);
    },

    /** The page's visible area in PDF points: [xMin, yMin, xMax, yMax]. */
    bounds(n) {
      return pageOf(n).page.view;
    },

    scrollTo(n) {
      pageOf(n)?.figure.scrollIntoView({ block: "start", behavior: "smooth" });
    },
  };
}

/** A highlighted, labelled box for a signer's place. */
export function signatureBox(text) {
  const box = el("div", "signature-place");
  box.dataset.testid = "signature-place";
  box.append(el("span", "signature-place-label", text));
  return box;
}

// Viewers declared in the page (partial _DocumentViewer): data-src, and data-field (JSON) for the signer's place.
for (const container of document.querySelectorAll("[data-pdf-viewer][data-src]")) {
  const status = container.querySelector("[data-pdf-status]");
  const fallback = container.querySelector("[data-pdf-fallback]");
  container.setAttribute("aria-busy", "true");
  // The pages' box takes its height now (pdf-viewer.css), before pdf.js and the document arrive.
  if (container.dataset.pageCount) container.style.setProperty("--pages", container.dataset.pageCount); // unknown: no reservation
  container.dataset.state = "loading";
  openDocument(container, container.dataset.src).then((viewer) => {
    container.dataset.state = "ready";
    container.dataset.pages = String(viewer.count);
    if (status) status.textContent = `Document affiché : ${viewer.count} page${viewer.count > 1 ? "s" : ""}.`;
    const field = container.dataset.field ? JSON.parse(container.dataset.field) : null;
    if (field) {
      const box = signatureBox(container.dataset.fieldLabel || "Votre signature ici");
      box.dataset.page = String(field.page);
      viewer.placeBox(box, field);
      const go = container.querySelector("[data-goto-field]");
      if (go) {
        go.hidden = false;
        go.addEventListener("click", () => viewer.scrollTo(field.page));
      }
    }
  }).catch((error) => {
    container.dataset.state = "failed";
    if (status) status.textContent = "";
    if (fallback) fallback.hidden = false;
    console.error("Paraphe: the document viewer could not open the PDF", error);
  }).finally(() => container.removeAttribute("aria-busy"));
}
