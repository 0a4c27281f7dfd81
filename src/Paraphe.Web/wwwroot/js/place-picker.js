// New procedure: the place picker (_PlacePicker). One view of the chosen document (pdf-viewer.js) for every signer:
// the agent chooses a signer, then draws the box of their signature on a page (mouse, pen or finger: pointer events),
// moves it, resizes it from its corner, or removes it. Each signer has one box, labelled and coloured as its row.
// A box is written into the row's hidden fields (_SignerPlace): Placement « document » and page / x / y / width /
// height in PDF points with the PDF convention (origin bottom left, y up), as the API's signer `field` and the stamper
// expect; without a box, Placement « auto »: the signature goes on the « Page des signatures » added at sealing.
// Boxes are clamped inside their page (the server refuses a field outside it as well).
// Other scripts that change the rows' fields (a reopened draft) send `paraphe:places-refresh` on document.
import { openDocument, signatureBox } from "./pdf-viewer.js";

const DEFAULT_SIZE = { width: 180, height: 60 };
const MIN_SIZE = { width: 40, height: 20 };
const COLOURS = 6;
const TAP = 8; // CSS pixels: a shorter drag is a tap, which puts a box of the default size there
const NAMES = ["page", "x", "y", "width", "height"];
const AUTO = "sur la « Page des signatures » ajoutée en fin de document";

const rows = document.getElementById("signer-rows");
const picker = document.querySelector("[data-place-viewer]");
const chooser = document.querySelector("[data-place-signers]");
const status = document.querySelector("[data-place-status]");
const documentSelect = document.getElementById("DocumentId");

const round = (v) => Math.round(v * 10) / 10;
const clamp = (v, min, max) => Math.min(Math.max(v, min), max);
const signerRows = () => (rows ? [...rows.querySelectorAll(".signer-row")] : []);

let viewer = null;
let documentId = null; // the document shown (none yet)
let active = null; // the signer row whose place the agent is choosing
let armed = false; // a finger draws only right after choosing the signer (otherwise it scrolls the pages)
const boxes = new Map(); // signer row → its box on the page

function say(text) {
  if (status) status.textContent = text;
}

function inputsOf(row) {
  return Object.fromEntries(NAMES.map((n) => [n, row.querySelector(`[data-field="${n}"]`)]));
}

/** The row's place from its hidden fields, or null (Page des signatures). */
function readField(row) {
  if (row.querySelector("[data-placement]")?.value === "auto") return null;
  const i = inputsOf(row);
  if (NAMES.some((n) => !i[n])) return null;
  const values = NAMES.map((n) => i[n].value.trim().replace(",", "."));
  if (values.some((v) => v === "")) return null;
  const [page, x, y, width, height] = values.map(Number);
  if (![page, x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return null;
  return { page: Math.trunc(page), x, y, width, height };
}

function writeField(row, field) {
  const i = inputsOf(row);
  NAMES.forEach((n) => { if (i[n]) i[n].value = field ? String(field[n]) : ""; });
  const placement = row.querySelector("[data-placement]");
  if (placement) placement.value = field ? "document" : "auto";
}

/** « 2. Nora Lefèvre (acquéreur) », from the row's choice and role. */
function nameOf(row, index) {
  const option = row.querySelector(".who-select")?.selectedOptions[0];
  const who = option?.value ? option.textContent.split(" — ")[0].replace(/\s*\(agence\)$/, "").replace(/ ⚠$/, "").trim() : "";
  return `${index + 1}. ${who || `Signataire ${index + 1}`}`;
}

function roleOf(row) {
  return row.querySelector("[data-testid='signer-role']")?.value.trim() ?? "";
}

function colourClass(index) {
  return `place-colour-${index % COLOURS}`;
}

function setColour(element, index) {
  for (let c = 0; c < COLOURS; c++) element.classList.remove(`place-colour-${c}`);
  element.classList.add(colourClass(index));
}

/** Everything shown from the rows' fields: the signer buttons, each row's summary, the boxes on the pages. */
function refresh() {
  const list = signerRows();
  if (active && !list.includes(active)) active = null;
  active ??= list.find((row) => !readField(row)) ?? list[0] ?? null;

  for (const [row, box] of boxes) if (!list.includes(row)) { box.remove(); boxes.delete(row); }

  const buttons = list.map((row, index) => {
    const field = readField(row);
    const name = nameOf(row, index);
    setColour(row, index);
    const summary = row.querySelector("[data-place-summary]");
    if (summary) summary.textContent = field ? `page ${field.page} du document` : AUTO;
    const remove = row.querySelector("[data-place-remove]");
    if (remove) remove.hidden = !field;

    const button = document.createElement("button");
    button.type = "button";
    button.className = `place-signer ${colourClass(index)}`;
    button.dataset.testid = "place-signer";
    button.setAttribute("aria-pressed", String(row === active));
    const role = roleOf(row);
    const label = document.createElement("span");
    label.className = "place-signer-name";
    label.textContent = role ? `${name} (${role})` : name;
    const where = document.createElement("span");
    where.className = "place-signer-where";
    where.textContent = field ? `page ${field.page}` : "Page des signatures";
    button.append(label, where);
    button.addEventListener("click", () => choose(row));

    if (viewer) showBox(row, field, name);
    return button;
  });
  chooser?.replaceChildren(...buttons);
  picker.classList.toggle("is-armed", armed && !!active);
}

function showBox(row, field, name) {
  let box = boxes.get(row);
  if (!field || !viewer.pageOf(field.page)) {
    box?.remove();
    boxes.delete(row);
    if (field) say(`${name} : la page ${field.page} n'existe pas dans ce document (${viewer.count} pages). Tracez à nouveau son cadre.`);
    return;
  }
  if (!box) {
    box = makeBox(row);
    boxes.set(row, box);
  }
  const index = signerRows().indexOf(row);
  setColour(box, index);
  box.classList.toggle("is-active", row === active);
  box.querySelector(".signature-place-label").textContent = name;
  box.setAttribute("aria-label", `Signature de ${name.replace(/^\d+\. /, "")}, page ${field.page} : faites-la glisser, ou déplacez-la avec les flèches ; Suppr la retire`);
  box.dataset.page = String(field.page);
  viewer.placeBox(box, field);
}

/** Keeps the box inside its page (and at least MIN_SIZE), writes it into the row's fields and shows it. */
function apply(row, field) {
  const [x0, y0, x1, y1] = viewer.bounds(field.page);
  const width = clamp(field.width, Math.min(MIN_SIZE.width, x1 - x0), x1 - x0);
  const height = clamp(field.height, Math.min(MIN_SIZE.height, y1 - y0), y1 - y0);
  writeField(row, {
    page: field.page, width: round(width), height: round(height),
    x: round(clamp(field.x, x0, x1 - width)), y: round(clamp(field.y, y0, y1 - height)),
  });
  refresh();
}

function removePlace(row) {
  writeField(row, null);
  active = row;
  refresh();
  say(`${nameOf(row, signerRows().indexOf(row))} signera sur la « Page des signatures » ajoutée en fin de document.`);
}

function choose(row, scroll = false) {
  active = row;
  armed = true;
  refresh();
  const name = nameOf(row, signerRows().indexOf(row));
  if (!viewer) {
    say(documentSelect?.value ? "Le document s'affiche…" : "Choisissez d'abord le document (étape 1).");
    return;
  }
  const field = readField(row);
  say(field
    ? `${name} : faites glisser son cadre (page ${field.page}) ou tracez-en un autre.`
    : `${name} : tracez le cadre de sa signature sur la page voulue.`);
  if (scroll) picker.scrollIntoView({ block: "start", behavior: "smooth" });
  if (field) viewer.scrollTo(field.page);
}

/** Drag to move (from the box) or to resize (from its corner handle), in PDF points. */
function followPointer(row, start, resize) {
  const field = readField(row);
  if (!field) return;
  start.preventDefault();
  const target = start.currentTarget;
  target.setPointerCapture?.(start.pointerId);
  const origin = viewer.pdfPoint(field.page, start.clientX, start.clientY);
  // The corner that stays put while resizing: the box's top left as the agent sees it.
  const rect = boxes.get(row).getBoundingClientRect();
  const anchor = viewer.pdfPoint(field.page, rect.left, rect.top);
  const move = (e) => {
    const p = viewer.pdfPoint(field.page, e.clientX, e.clientY);
    if (resize) {
      apply(row, {
        page: field.page, x: Math.min(anchor[0], p[0]), y: Math.min(anchor[1], p[1]),
        width: Math.abs(p[0] - anchor[0]), height: Math.abs(p[1] - anchor[1]),
      });
    } else {
      apply(row, { ...field, x: field.x + p[0] - origin[0], y: field.y + p[1] - origin[1] });
    }
  };
  track(target, move, () => {});
}

function track(target, move, done) {
  const stop = (e) => {
    target.removeEventListener("pointermove", move);
    target.removeEventListener("pointerup", stop);
    target.removeEventListener("pointercancel", stop);
    done(e);
  };
  target.addEventListener("pointermove", move);
  target.addEventListener("pointerup", stop);
  target.addEventListener("pointercancel", stop);
}

function makeBox(row) {
  const box = signatureBox("");
  box.classList.add("place-box");
  box.tabIndex = 0;
  box.setAttribute("role", "img");
  const handle = document.createElement("span");
  handle.className = "signature-place-resize";
  handle.dataset.testid = "signature-place-resize";
  handle.title = "Tirez pour agrandir ou réduire le cadre";
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "signature-place-remove";
  remove.dataset.testid = "signature-place-remove";
  remove.textContent = "×";
  remove.title = "Retirer cet emplacement (signature sur la « Page des signatures »)";
  remove.setAttribute("aria-label", remove.title);
  box.append(handle, remove);
  box.addEventListener("pointerdown", (e) => {
    e.stopPropagation();
    if (e.target === remove) return;
    active = row;
    if (e.target === handle) followPointer(row, e, true);
    else followPointer(row, e, false);
  });
  remove.addEventListener("click", (e) => { e.stopPropagation(); removePlace(row); });
  box.addEventListener("click", (e) => e.stopPropagation());
  // Keyboard: arrows move the box by 5 pt (20 pt with Shift); Delete removes it.
  box.addEventListener("keydown", (e) => {
    const field = readField(row);
    if (!field) return;
    if (e.key === "Delete" || e.key === "Backspace") { e.preventDefault(); removePlace(row); return; }
    const step = e.shiftKey ? 20 : 5;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (!moves[e.key]) return;
    e.preventDefault();
    apply(row, { ...field, x: field.x + moves[e.key][0], y: field.y + moves[e.key][1] });
  });
  return box;
}

/** Drawing a new box: press on a page, drag to the opposite corner, release (a tap puts a default box there). */
function startDrawing(e) {
  const frame = e.target.closest(".pdf-page-frame");
  if (!frame || !viewer || e.button > 0) return;
  if (!active) { say("Choisissez d'abord le signataire dont vous placez la signature."); return; }
  if (e.pointerType !== "mouse" && !armed) {
    say("Pour tracer, touchez d'abord le nom du signataire au-dessus du document.");
    return; // the finger scrolls the pages
  }
  e.preventDefault();
  frame.setPointerCapture?.(e.pointerId);
  const row = active;
  const page = Number(frame.closest(".pdf-page").dataset.page);
  const start = viewer.pdfPoint(page, e.clientX, e.clientY);
  const [sx, sy] = [e.clientX, e.clientY];
  let drawn = false;
  const move = (m) => {
    if (!drawn && Math.abs(m.clientX - sx) < TAP && Math.abs(m.clientY - sy) < TAP) return;
    drawn = true;
    const p = viewer.pdfPoint(page, m.clientX, m.clientY);
    apply(row, {
      page, x: Math.min(start[0], p[0]), y: Math.min(start[1], p[1]),
      width: Math.abs(p[0] - start[0]), height: Math.abs(p[1] - start[1]),
    });
  };
  track(frame, move, (end) => {
    if (end.type === "pointercancel" && !drawn) return;
    if (!drawn) apply(row, { page, x: start[0] - DEFAULT_SIZE.width / 2, y: start[1] - DEFAULT_SIZE.height / 2, ...DEFAULT_SIZE });
    armed = false;
    const field = readField(row);
    if (field) say(`${nameOf(row, signerRows().indexOf(row))} signera page ${field.page}. Choisissez un autre signataire pour placer sa signature.`);
    const next = signerRows().find((r) => !readField(r));
    if (next) active = next;
    refresh();
  });
}

async function showDocument() {
  const id = documentSelect?.value ?? "";
  if (id === documentId && (viewer || !id)) return;
  documentId = id;
  viewer = null;
  for (const box of boxes.values()) box.remove();
  boxes.clear();
  picker.querySelector(".pdf-pages").replaceChildren();
  delete picker.dataset.state;
  refresh();
  if (!id) {
    say("Choisissez d'abord le document (étape 1) pour y placer les signatures.");
    return;
  }
  say("Chargement du document…");
  picker.setAttribute("aria-busy", "true");
  try {
    const opened = await openDocument(picker, `/documents/${encodeURIComponent(id)}/file`);
    if (documentId !== id) return; // another document was chosen meanwhile
    viewer = opened;
    // Places chosen on another document: kept inside this one's pages, dropped where its page does not exist.
    const dropped = [];
    signerRows().forEach((row, index) => {
      const field = readField(row);
      if (!field) return;
      if (viewer.pageOf(field.page)) apply(row, field);
      else { writeField(row, null); dropped.push(nameOf(row, index)); }
    });
    picker.dataset.state = "ready";
    picker.dataset.pages = String(viewer.count);
    refresh();
    const pages = `${viewer.count} page${viewer.count > 1 ? "s" : ""}`;
    say(dropped.length
      ? `Ce document n'a que ${pages} : l'emplacement de ${dropped.join(", ")} est retiré (Page des signatures). Tracez-le à nouveau si besoin.`
      : `Document affiché (${pages}). Choisissez un signataire puis tracez le cadre de sa signature.`);
  } catch (error) {
    console.error("Paraphe: the place picker could not open the PDF", error);
    picker.dataset.state = "failed";
    say("Le document n'a pas pu s'afficher : les signatures iront sur la « Page des signatures » ajoutée en fin de document.");
  } finally {
    picker.removeAttribute("aria-busy");
  }
}

if (rows && picker) {
  picker.addEventListener("pointerdown", startDrawing);
  rows.addEventListener("click", (e) => {
    const row = e.target.closest(".signer-row");
    if (e.target.closest("[data-place-choose]")) choose(row, true);
    else if (e.target.closest("[data-place-remove]")) removePlace(row);
  });
  rows.addEventListener("change", refresh);
  rows.addEventListener("input", (e) => { if (e.target.matches("[data-testid='signer-role']")) refresh(); });
  new MutationObserver(refresh).observe(rows, { childList: true });
  document.addEventListener("paraphe:places-refresh", refresh);
  documentSelect?.addEventListener("change", showDocument);
  refresh();
  showDocument();
}
