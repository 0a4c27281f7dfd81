// Signature pad: draw with pointer, touch or mouse; the drawing goes to a hidden field as a PNG data URL.
(() => {
    const canvas = document.getElementById("signature-pad");
    if (!canvas) return;
    const field = document.getElementById("SignatureImage");
    const ctx = canvas.getContext("2d");
    let drawing = false, drawn = false;

    function resize() {
        const ratio = Math.max(window.devicePixelRatio || 1, 1);
        const rect = canvas.getBoundingClientRect();
        canvas.width = rect.width * ratio;
        canvas.height = rect.height * ratio;
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111827";
        // After a refused submit the drawing is kept in the field: paint it back.
        if (field.value) {
            const img = new Image();
            img.onload = () => ctx.drawImage(img, 0, 0, rect.width, rect.height);
            img.src = field.value;
            drawn = true;
        }
    }
    function point(e) {
        const rect = canvas.getBoundingClientRect();
        return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }
    canvas.addEventListener("pointerdown", (e) => {
        drawing = true; canvas.setPointerCapture(e.pointerId);
        const p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); ctx.lineTo(p.x + 0.1, p.y + 0.1); ctx.stroke();
        e.preventDefault();
    });
    canvas.addEventListener("pointermove", (e) => {
        if (!drawing) return;
        const p = point(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true;
        e.preventDefault();
    });
    const end = () => {
        if (!drawing) return;
        drawing = false;
        if (drawn) field.value = canvas.toDataURL("image/png");
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    document.getElementById("clear-pad").addEventListener("click", () => {
        ctx.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; drawn = false;
    });
    window.addEventListener("resize", () => { if (!drawn) resize(); });
    resize();
})();
