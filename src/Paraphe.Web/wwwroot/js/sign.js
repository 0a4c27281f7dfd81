// Paraphe — the signing form: the signer's page (/sign/{token}) and the face-to-face page
// (/procedures/{id}/face-a-face). Vanilla JS, no dependency.
// Tabs (draw / type), the signature pad (pointer events: mouse, touch, pen), the typed-name preview,
// and the form submission (exports the drawing as a PNG data URL). The document itself: pdf-viewer.js.
// Tabs are optional: without tabs (face to face), the drawing and the typed name are both sent.
(function () {
  'use strict';

  var PNG_PREFIX = 'data:image/png;base64,';

  // ---- The code field: in view and focused after a code was asked for (#code), without a jump to the top ----
  function focusCode() {
    var input = document.getElementById('otp-code');
    if (!input) return false;
    input.focus({ preventScroll: true });
    (document.getElementById('code') || input).scrollIntoView({ block: 'center' });
    return true;
  }

  // ---- The first error gets the focus, so screen readers and small screens land on it ----
  // An error about the code is next to the code field: the field gets the focus (the error describes it).
  var error = document.querySelector('[data-testid="error-message"]');
  var codeBox = document.getElementById('code');
  if (error && !(codeBox && codeBox.contains(error))) error.focus();
  else if (location.hash === '#code' || (codeBox && error)) {
    focusCode();
    window.addEventListener('load', focusCode); // again once the document above has its size
  }

  // ---- Refusing asks for a confirmation first (without JavaScript the server asks it) ----
  var declineForm = document.querySelector('[data-decline-form]');
  if (declineForm) {
    var ask = declineForm.querySelector('[data-decline-ask]');
    var confirmBox = declineForm.querySelector('[data-decline-confirm]');
    var cancel = declineForm.querySelector('[data-decline-cancel]');
    declineForm.addEventListener('submit', function (e) {
      if (e.submitter !== ask) return;
      e.preventDefault();
      ask.hidden = true;
      confirmBox.hidden = false;
      confirmBox.focus({ preventScroll: true });
      confirmBox.scrollIntoView({ block: 'center' });
    });
    cancel.addEventListener('click', function (e) {
      e.preventDefault();
      confirmBox.hidden = true;
      ask.hidden = false;
      ask.focus();
    });
    if (!confirmBox.hidden && !error) confirmBox.focus();
  }

  var form = document.querySelector('[data-sign-form]');
  if (!form) return;

  var methodInput = form.querySelector('[data-method-input]');
  var imageInput = form.querySelector('[data-signature-image]');
  var canvas = form.querySelector('[data-signature-canvas]');
  var status = form.querySelector('[data-pad-status]');
  var typedInput = form.querySelector('#typed-name');
  var typedPreview = form.querySelector('[data-typed-preview]');
  var submit = form.querySelector('[data-testid="sign-button"]');

  // ---- Signature pad ----
  var ctx = canvas.getContext('2d');
  var strokes = [];          // each stroke: [{x, y}] in CSS pixels
  var current = null;        // the stroke being drawn
  var activePointer = null;
  var restored = null;       // an Image: the drawing sent before a refused submission
  var dirty = false;         // drawn since the page loaded
  var cssWidth = 0, cssHeight = 0;

  function setStatus(text) { if (status) status.textContent = text; }

  function isEmpty() { return strokes.length === 0 && !restored; }

  function styleInk(c) {
    c.lineWidth = 2.6;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.strokeStyle = '#14215c';
    c.fillStyle = '#14215c';
  }

  function drawStroke(c, stroke) {
    if (stroke.length === 1) {
      c.beginPath();
      c.arc(stroke[0].x, stroke[0].y, c.lineWidth / 2, 0, Math.PI * 2);
      c.fill();
      return;
    }
    c.beginPath();
    c.moveTo(stroke[0].x, stroke[0].y);
    for (var i = 1; i < stroke.length; i++) c.lineTo(stroke[i].x, stroke[i].y);
    c.stroke();
  }

  function restoredRect() {
    if (!restored) return null;
    // exported at 2x: shown at half its pixel size, shrunk further if it does not fit
    var scale = Math.min(cssWidth / restored.width, cssHeight / restored.height, 0.5);
    var w = restored.width * scale, h = restored.height * scale;
    return { x: (cssWidth - w) / 2, y: (cssHeight - h) / 2, w: w, h: h };
  }

  function redraw() {
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    var r = restoredRect();
    if (r) ctx.drawImage(restored, r.x, r.y, r.w, r.h);
    styleInk(ctx);
    for (var i = 0; i < strokes.length; i++) drawStroke(ctx, strokes[i]);
  }

  // The canvas takes its container's width; its bitmap is scaled by devicePixelRatio to stay sharp.
  function resize() {
    var rect = canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return; // hidden tab: resized when shown
    var dpr = window.devicePixelRatio || 1;
    cssWidth = rect.width;
    cssHeight = rect.height;
    canvas.width = Math.round(rect.width * dpr);
    canvas.height = Math.round(rect.height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    redraw();
  }

  function point(e) {
    var rect = canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  canvas.addEventListener('pointerdown', function (e) {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (activePointer !== null) return; // one finger at a time
    e.preventDefault();
    activePointer = e.pointerId;
    if (canvas.setPointerCapture) canvas.setPointerCapture(e.pointerId);
    current = [point(e)];
    strokes.push(current);
    styleInk(ctx);
    drawStroke(ctx, current);
  });

  canvas.addEventListener('pointermove', function (e) {
    if (e.pointerId !== activePointer || !current) return;
    e.preventDefault();
    var events = (e.getCoalescedEvents && e.getCoalescedEvents()) || [];
    if (events.length === 0) events = [e];
    styleInk(ctx);
    ctx.beginPath();
    var last = current[current.length - 1];
    ctx.moveTo(last.x, last.y);
    for (var i = 0; i < events.length; i++) {
      var p = point(events[i]);
      current.push(p);
      ctx.lineTo(p.x, p.y);
    }
    ctx.stroke();
  });

  function endStroke(e) {
    if (e.pointerId !== activePointer) return;
    activePointer = null;
    current = null;
    dirty = true;
    setStatus('Signature dessinée.');
  }
  canvas.addEventListener('pointerup', endStroke);
  canvas.addEventListener('pointercancel', endStroke);
  canvas.addEventListener('lostpointercapture', endStroke);

  form.querySelector('[data-clear-signature]').addEventListener('click', function () {
    strokes = [];
    restored = null;
    dirty = true;
    imageInput.value = '';
    redraw();
    setStatus('Signature effacée.');
  });

  // The PNG sent: the drawing cropped to its ink (plus a margin), at 2x for print quality.
  function exportPng() {
    if (!dirty && restored && imageInput.value.indexOf(PNG_PREFIX) === 0) return imageInput.value;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    var r = restoredRect();
    if (r) { minX = r.x; minY = r.y; maxX = r.x + r.w; maxY = r.y + r.h; }
    strokes.forEach(function (s) {
      s.forEach(function (p) {
        minX = Math.min(minX, p.x); minY = Math.min(minY, p.y);
        maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y);
      });
    });
    var margin = 6, scale = 2;
    minX = Math.max(0, minX - margin); minY = Math.max(0, minY - margin);
    maxX = Math.min(cssWidth, maxX + margin); maxY = Math.min(cssHeight, maxY + margin);
    var out = document.createElement('canvas');
    out.width = Math.max(1, Math.round((maxX - minX) * scale));
    out.height = Math.max(1, Math.round((maxY - minY) * scale));
    var o = out.getContext('2d');
    o.setTransform(scale, 0, 0, scale, -minX * scale, -minY * scale);
    if (r) o.drawImage(restored, r.x, r.y, r.w, r.h);
    styleInk(o);
    strokes.forEach(function (s) { drawStroke(o, s); });
    return out.toDataURL('image/png');
  }

  // Back from a refused submission: draw the signature sent again.
  if (imageInput.value.indexOf(PNG_PREFIX) === 0) {
    var img = new Image();
    img.onload = function () { restored = img; resize(); setStatus('Votre signature est conservée.'); };
    img.onerror = function () { imageInput.value = ''; };
    img.src = imageInput.value;
  }

  if (window.ResizeObserver) new ResizeObserver(resize).observe(canvas);
  else window.addEventListener('resize', resize);
  resize();

  // ---- Tabs ----
  var tabs = Array.prototype.slice.call(form.querySelectorAll('[role="tab"]'));
  function select(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    });
    methodInput.value = tab.getAttribute('data-method');
    if (focus) tab.focus();
    if (methodInput.value === 'draw') resize();
  }
  var selected = tabs.filter(function (t) { return t.getAttribute('aria-selected') === 'true'; })[0];
  if (methodInput && !methodInput.value && selected) methodInput.value = selected.getAttribute('data-method');
  tabs.forEach(function (tab, i) {
    tab.addEventListener('click', function () { select(tab, false); });
    tab.addEventListener('keydown', function (e) {
      var next = null;
      if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
      else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (e.key === 'Home') next = tabs[0];
      else if (e.key === 'End') next = tabs[tabs.length - 1];
      if (next) { e.preventDefault(); select(next, true); }
    });
  });

  // ---- Typed name preview ----
  function updatePreview() { if (typedPreview) typedPreview.textContent = typedInput.value; }
  if (typedInput) typedInput.addEventListener('input', updatePreview);
  updatePreview();

  // ---- Asking for the code: the page stays, only the code's box is replaced ----
  // The answer is the page the server would show (its #code box, with « Code envoyé » or the refusal); anything
  // else (the link closed meanwhile, too many requests) replaces the page as a normal submission would.
  function askCode(button) {
    var body = new URLSearchParams(new FormData(form));
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    fetch(button.formAction, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('code');
        var old = document.getElementById('code');
        if (fresh && old) {
          old.replaceWith(document.adoptNode(fresh));
          focusCode();
        } else {
          document.title = doc.title;
          document.body.replaceWith(document.adoptNode(doc.body));
          window.scrollTo(0, 0);
        }
      })
      .catch(function () {
        // No answer (offline): say so in the box, the signer can try again.
        button.disabled = false;
        button.removeAttribute('aria-busy');
        var sent = document.querySelector('[data-testid="otp-sent"]');
        if (sent) sent.textContent = 'Pas de connexion : le code n\u2019a pas pu être demandé. Réessayez.';
      })
      .then(function () { sending = false; });
  }

  // ---- Submission ----
  var sending = false;
  form.addEventListener('submit', function (e) {
    if (sending) { e.preventDefault(); return; }
    // Also when asking for the SMS code: the drawing comes back with the page and is not lost.
    if (!methodInput || methodInput.value === 'draw') imageInput.value = isEmpty() ? '' : exportPng();
    sending = true;
    if (e.submitter && e.submitter.hasAttribute('data-otp-send')) {
      if (window.fetch && window.DOMParser && window.URLSearchParams) {
        e.preventDefault();
        askCode(e.submitter);
      }
      return;
    }
    submit.setAttribute('aria-busy', 'true');
    submit.textContent = 'Signature en cours…';
  });
  // Back/forward cache: make the button usable again.
  window.addEventListener('pageshow', function () {
    sending = false;
    submit.removeAttribute('aria-busy');
    submit.textContent = 'Signer';
  });
})();
