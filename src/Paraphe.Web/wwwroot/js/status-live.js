// « Statut des signatures »: the diagnosis panel's buttons, and the page updating itself as delivery events arrive.
(() => {
    "use strict";
    const q = (root, selector) => root.querySelector(selector);

    // ---- diagnosis actions: lead where they say ---------------------------------------------------------------
    function scrollAndFocus(element) {
        element.scrollIntoView({ block: "center" });
        element.focus({ preventScroll: true });
    }

    /** Opens « Corriger et relancer » with that signer's email or mobile focused (and the suggestion typed in). */
    function openCorrection(signerId, field, suggestion, contactHref) {
        const form = q(document, '[data-testid="correct-form"]');
        if (!form) {
            // No relaunch possible here (a draft): the contact's page is where the address is corrected.
            if (contactHref) { window.location.href = contactHref; return true; }
            return false;
        }
        const details = form.closest("details");
        if (details) details.open = true;
        const fieldset = Array.from(form.querySelectorAll('[data-testid="correct-signer"]'))
            .find((f) => f.dataset.signerId === signerId);
        const input = fieldset && q(fieldset, `[data-testid="correct-${field}"]`);
        if (!input) { scrollAndFocus(form); return true; }
        if (suggestion) input.value = suggestion;
        scrollAndFocus(input);
        if (!suggestion && input.select) input.select();
        return true;
    }

    document.addEventListener("click", (event) => {
        const action = event.target.closest('[data-testid="diagnosis-action"]');
        if (!action) return;
        const kind = action.dataset.actionKind;
        if (kind === "correct_and_relaunch" || kind === "use_suggestion") {
            if (openCorrection(action.dataset.signerId, action.dataset.field, action.dataset.suggestion, action.dataset.contactHref)) {
                event.preventDefault();
                history.replaceState(null, "", action.getAttribute("href"));
            }
        } else if (kind === "launch") {
            const launch = q(document, '[data-testid="launch-button"]');
            if (launch) { event.preventDefault(); scrollAndFocus(launch); }
        } else if (kind === "remind") {
            const area = document.getElementById(`relance-${action.dataset.signerId}`);
            const card = action.closest('[data-testid="signer-card"]');
            const button = (area && q(area, '[data-testid="remind-button"]')) || (card && q(card, '[data-testid="remind-button"]'));
            if (button || area) { event.preventDefault(); scrollAndFocus(button || area); }
        }
    });

    const opening = /^#corriger-(.+)-(email|mobile)$/.exec(window.location.hash);
    if (opening) openCorrection(opening[1], opening[2], null, null);

    // ---- live updates -----------------------------------------------------------------------------------------
    const marker = q(document, "[data-live-version-url]");
    if (!marker) return;
    const url = marker.dataset.liveVersionUrl;
    let current = marker.dataset.liveVersion;
    let busy = false;

    /** A region the agent is using (typing in it, a dialog open) is left alone until the next change. */
    function inUse(region) {
        const active = document.activeElement;
        return region.querySelector("details[open]") !== null
            || (active && region.contains(active) && active.matches("input, textarea, select"));
    }

    const regions = ['[data-testid="status-badge"]', '[data-testid="procedure-summary"]', '[data-testid="actions"]',
        '[data-testid="signed-document-region"]', '[data-testid="signers-section"]', '[data-testid="audit-trail"]'];

    async function refresh() {
        const response = await fetch(window.location.pathname, { cache: "no-store", credentials: "same-origin" });
        if (!response.ok) return false;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        let complete = true;
        for (const selector of regions) {
            const mine = q(document, selector);
            const theirs = q(fresh, selector);
            if (!mine || !theirs) continue;
            if (inUse(mine)) { complete = false; continue; }
            mine.replaceWith(document.importNode(theirs, true));
        }
        return complete;
    }

    async function tick() {
        if (busy || document.hidden) return;
        busy = true;
        try {
            const response = await fetch(url, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } });
            if (!response.ok || !(response.headers.get("content-type") || "").includes("json")) return;
            const { version } = await response.json();
            if (version && version !== current && await refresh()) current = version;
        } catch {
            // offline for a moment: the next tick tries again
        } finally {
            busy = false;
        }
    }

    window.setInterval(tick, 3000);
})();
