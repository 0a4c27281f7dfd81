// New procedure: add/remove signer rows, show each chosen contact's check status, remote-only options, the code option (remote or face to face).
(() => {
    const rows = document.getElementById("signer-rows");
    const template = document.getElementById("signer-row-template");
    let next = 1000;

    function showCheck(select) {
        const box = select.closest(".signer-row").querySelector(".check-status");
        const option = select.selectedOptions[0];
        box.replaceChildren();
        if (!option || !option.value) return;
        const badge = document.createElement("span");
        if (option.dataset.ok === "true") {
            badge.className = "badge badge-green";
            badge.textContent = option.dataset.agency ? "Signataire de l'agence" : "Coordonnées vérifiées ✓";
            box.append(badge);
            return;
        }
        badge.className = "badge badge-red";
        badge.textContent = "À corriger";
        const text = document.createElement("span");
        text.textContent = " " + (option.dataset.problem || "") + " ";
        const link = document.createElement("a");
        link.href = option.dataset.edit; link.target = "_blank"; link.textContent = "Corriger le contact";
        box.append(badge, text, link);
    }

    rows.addEventListener("change", (e) => { if (e.target.matches(".who-select")) showCheck(e.target); });
    rows.addEventListener("click", (e) => {
        const remove = e.target.closest(".remove-signer");
        if (remove && rows.querySelectorAll(".signer-row").length > 1) remove.closest(".signer-row").remove();
    });
    document.getElementById("add-signer").addEventListener("click", () => {
        const key = String(next++);
        const html = template.innerHTML.replaceAll("__key__", key);
        rows.insertAdjacentHTML("beforeend", html);
    });

    const remoteOnly = document.querySelectorAll(".remote-only");
    const otpOption = document.querySelectorAll(".otp-option");
    function syncMode() {
        const mode = document.querySelector("input[name=Mode]:checked")?.value;
        remoteOnly.forEach((el) => { el.hidden = mode !== "remote"; });
        otpOption.forEach((el) => { el.hidden = mode !== "remote" && mode !== "in_person"; });
    }
    document.querySelectorAll("input[name=Mode]").forEach((r) => r.addEventListener("change", syncMode));
    syncMode();
})();
