// New procedure: « Emplacement de signature : choisir sur le document ». Shows the chosen document's pages
// (pdf-viewer.js); a click on a page puts a 180 × 60 pt box there, the box can be dragged and resized from its
// corner. The box is written into the row's page / x / y / width / height inputs, in PDF points with the PDF
// convention (origin bottom left, y up), as the API's signer `field` and the stamper expect.
import { openDocument, signatureBox } from "./pdf-viewer.js";

const DEFAULT_SIZE = { width: 180, height: 60 };
const MIN_SIZE = { width: 40, height: 20 };
const rows = document.getElementById("signer-rows");
const documentSelect = document.getElementById("DocumentId");
const states = new WeakMap(); // signer row → { documentId, viewer, box }

const NAMES = ["page", "x", "y", "width", "height"];
const round = (v) => Math.round(v * 10) / 10;
const clamp = (v, min, max) => Math.min(Math.max(v, min), max);

function inputsOf(row) {
  return Object.fromEntries(NAMES.map((n) => [n, row.querySelector(`[data-field="${n}"]`)]));
}

function readField(row) {
  const i = inputsOf(row);
  const values = NAMES.map((n) => i[n].value.trim());
  if (values.some((v) => v === "")) return null;
  const [page, x, y, width, height] = values.map(Number);
  if (![page, x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return null;
  return { page: Math.trunc(page), x, y, width, height };
}

function say(row, text) {
  const status = row.querySelector("[data-place-status]");
  if (status) status.textContent = text;
}

/** Keeps the box inside its page and writes it into the inputs and on the page. */
function apply(row, state, field) {
  const [x0, y0, x1, y1] = state.viewer.bounds(field.page);
  const width = clamp(field.width, MIN_SIZE.width, x1 - x0);
  const height = clamp(field.height, MIN_SIZE.height, y1 - y0);
  const f = {
    page: field.page, width: round(width), height: round(height),
    x: round(clamp(field.x, x0, x1 - width)), y: round(clamp(field.y, y0, y1 - height)),
  };
  const i = inputsOf(row);
  NAMES.forEach((n) => { i[n].value = String(f[n]); });
  show(row, state, f);
}

function show(row, state, field) {
  if (!field || !state.viewer.pageOf(field.page)) {
    state.box.remove();
    if (field) say(row, `La page ${field.page} n'existe pas dans ce document (${state.viewer.count} pages) : cliquez sur une page.`);
    return;
  }
  state.box.dataset.page = String(field.page);
  state.viewer.placeBox(state.box, field);
  say(row, `Signature placée page ${field.page} (x ${field.x} pt, y ${field.y} pt, ${field.width} × ${field.height} pt).`);
}

/** Drag to move (from the box) or to resize (from its corner handle), in PDF points. */
function followPointer(row, state, start, resize) {
  const field = readField(row);
  if (!field) return;
  start.preventDefault();
  const target = start.currentTarget;
  target.setPointerCapture?.(start.pointerId);
  const origin = state.viewer.pdfPoint(field.page, start.clientX, start.clientY);
  // The corner that stays put while resizing: the box's top left as the agent sees it.
  const rect = state.box.getBoundingClientRect();
  const anchor = state.viewer.pdfPoint(field.page, rect.left, rect.top);
  const move = (e) => {
    const p = state.viewer.pdfPoint(field.page, e.clientX, e.clientY);
    if (resize) {
      apply(row, state, {
        page: field.page, x: Math.min(anchor[0], p[0]), y: Math.min(anchor[1], p[1]),
        width: Math.abs(p[0] - anchor[0]), height: Math.abs(p[1] - anchor[1]),
      });
    } else {
      apply(row, state, { ...field, x: field.x + p[0] - origin[0], y: field.y + p[1] - origin[1] });
    }
  };
  const stop = () => {
    target.removeEventListener("pointermove", move);
    target.removeEventListener("pointerup", stop);
    target.removeEventListener("pointercancel", stop);
  };
  target.addEventListener("pointermove", move);
  target.addEventListener("pointerup", stop);
  target.addEventListener("pointercancel", stop);
}

function makeBox(row, state) {
  const box = signatureBox("Signature ici");
  box.tabIndex = 0;
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", "Emplacement de la signature : faites-le glisser, ou déplacez-le avec les flèches du clavier");
  const handle = document.createElement("span");
  handle.className = "signature-place-resize";
  handle.dataset.testid = "signature-place-resize";
  handle.title = "Tirez pour agrandir ou réduire le cadre";
  box.append(handle);
  box.addEventListener("pointerdown", (e) => {
    if (e.target === handle) return;
    e.stopPropagation();
    followPointer(row, state, e, false);
  });
  handle.addEventListener("pointerdown", (e) => { e.stopPropagation(); followPointer(row, state, e, true); });
  box.addEventListener("click", (e) => e.stopPropagation());
  // Keyboard: arrows move the box by 5 pt (20 pt with Shift); the inputs above take exact values.
  box.addEventListener("keydown", (e) => {
    const step = e.shiftKey ? 20 : 5;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const field = readField(row);
    if (!moves[e.key] || !field) return;
    e.preventDefault();
    apply(row, state, { ...field, x: field.x + moves[e.key][0], y: field.y + moves[e.key][1] });
  });
  return box;
}

async function showDocument(row) {
  const holder = row.querySelector("[data-place-viewer]");
  const documentId = documentSelect?.value ?? "";
  if (!documentId) {
    holder.querySelector(".pdf-pages").replaceChildren();
    states.delete(row);
    say(row, "Choisissez d'abord le document (étape 1) pour y placer la signature.");
    return;
  }
  if (states.get(row)?.documentId === documentId) return;
  const state = { documentId, viewer: null, box: null };
  states.set(row, state);
  say(row, "Chargement du document…");
  holder.setAttribute("aria-busy", "true");
  try {
    const viewer = await openDocument(holder, `/documents/${encodeURIComponent(documentId)}/file`);
    if (states.get(row) !== state) return; // another document was chosen meanwhile
    state.viewer = viewer;
    state.box = makeBox(row, state);
    holder.dataset.state = "ready";
    const field = readField(row);
    if (field) show(row, state, field);
    else say(row, `Cliquez sur la page où ce signataire doit signer (${viewer.count} page${viewer.count > 1 ? "s" : ""}).`);
  } catch (error) {
    console.error("Paraphe: the place picker could not open the PDF", error);
    say(row, "Le document n'a pas pu s'afficher : saisissez la page et le cadre (en points) ci-dessus.");
  } finally {
    holder.removeAttribute("aria-busy");
  }
}

// A click on a page: a default box centred where the agent clicked.
rows.addEventListener("click", (e) => {
  const frame = e.target.closest(".place-picker .pdf-page-frame");
  if (!frame) return;
  const row = frame.closest(".signer-row");
  const state = states.get(row);
  if (!state?.viewer) return;
  const page = Number(frame.closest(".pdf-page").dataset.page);
  const [x, y] = state.viewer.pdfPoint(page, e.clientX, e.clientY);
  apply(row, state, { page, x: x - DEFAULT_SIZE.width / 2, y: y - DEFAULT_SIZE.height / 2, ...DEFAULT_SIZE });
});

rows.addEventListener("change", (e) => {
  if (e.target.matches("[data-placement]")) {
    const row = e.target.closest(".signer-row");
    if (e.target.value === "document") showDocument(row);
  }
});

// Numbers typed by hand move the box too.
rows.addEventListener("input", (e) => {
  if (!e.target.matches("[data-field]")) return;
  const row = e.target.closest(".signer-row");
  const state = states.get(row);
  if (state?.viewer) show(row, state, readField(row));
});

const placedRows = () => [...rows.querySelectorAll(".signer-row")]
  .filter((row) => row.querySelector('[data-placement][value="document"]')?.checked);

documentSelect?.addEventListener("change", () => placedRows().forEach(showDocument));
placedRows().forEach(showDocument); // back from a refused submission
