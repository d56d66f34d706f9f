/* Portal: search demands, programs, cohorts and offers; show a record's matches and why they match. */
(function () {
  "use strict";
  const { t, api, el, applyLabels, params } = window.TM;
  const KIND_PATH = { demand: "demands", program: "programs", cohort: "cohorts", offer: "cooperation-offers" };

  function kindLabel(kind) { return t(kind + "Kind"); }

  function renderResults(items) {
    const list = document.getElementById("results");
    list.replaceChildren();
    if (!items.length) list.appendChild(el("li", { text: t("none") }));
    items.forEach((item) => {
      const li = el("li", { "data-kind": item.kind, "data-id": String(item.id) },
        [el("span", { class: "kind", text: kindLabel(item.kind) }), item.title]);
      li.onclick = () => {
        list.querySelectorAll("li.active").forEach((n) => n.classList.remove("active"));
        li.classList.add("active");
        showDetail(item.kind, item.id, item.title);
      };
      list.appendChild(li);
    });
  }

  async function latest() {
    const page = await api("/api/v1/demands", { status: "open", sort: "-updated_at", limit: 20 });
    document.getElementById("results-title").textContent = t("latest");
    renderResults(page.items.map((d) => ({ kind: "demand", id: d.id, title: d.title })));
  }

  async function search(q, type) {
    const page = await api("/api/v1/search", { q, type, limit: 20 });
    document.getElementById("results-title").textContent = t("search") + "：" + q;
    renderResults(page.items);
  }

  function terms(label, words, cls) {
    if (!words.length) return null;
    return el("div", { class: "terms" }, [el("span", { class: "muted", text: label + "：" }),
      ...words.map((w) => el("span", { class: cls || "", text: w }))]);
  }

  function renderMatch(m) {
    const ex = m.explanation || {};
    const matched = (ex.matched_terms || []).slice(0, 8).map((x) => x.term);
    const missing = (ex.missing_skills || []).slice(0, 6);
    const factors = (ex.factors || []).filter((f) => f.value !== null)
      .map((f) => f.name + " " + Number(f.value).toFixed(2));
    const score = m.score === null ? "–" : (m.score * 100).toFixed(0);
    const node = el("div", { class: "match", "data-kind": m.kind, "data-id": String(m.id) }, [
      el("div", {}, [el("span", { class: "score", text: score }), el("span", { class: "kind", text: kindLabel(m.kind) }),
        el("span", { class: "title", text: m.title })]),
    ]);
    [terms(t("matchedTerms"), matched), terms(t("factors"), factors), terms(t("missingSkills"), missing, "missing")]
      .forEach((n) => { if (n) node.appendChild(n); });
    return node;
  }

  async function showDetail(kind, id, title) {
    delete document.body.dataset.detail;
    document.getElementById("detail-hint").classList.add("hidden");
    document.getElementById("detail-body").classList.remove("hidden");
    document.getElementById("detail-title").textContent = title;
    const box = document.getElementById("matches");
    box.replaceChildren(el("p", { class: "muted", text: t("loading") }));
    const mapping = document.getElementById("detail-mapping");
    mapping.textContent = "";
    const record = await api("/api/v1/" + KIND_PATH[kind] + "/" + id);
    const meta = [];
    if (record.headcount !== undefined) meta.push(t("headcount") + " " + record.headcount);
    if (record.skills && record.skills.length) meta.push(t("skills") + "：" + record.skills.join("、"));
    document.getElementById("detail-meta").textContent = meta.join(" · ");
    if (kind === "demand") {
      const m = await api("/api/v1/analytics/demands/" + id + "/majors");
      const names = m.links.filter((l) => l.major_code || l.category_code).map((l) => l.name);
      mapping.textContent = t("mapping") + "（" + t(m.source) + "）：" + (names.join("、") || t("none"));
    }
    const page = await api("/api/v1/" + KIND_PATH[kind] + "/" + id + "/matches", { limit: 10 });
    box.replaceChildren();
    if (!page.items.length) box.appendChild(el("p", { class: "muted", text: t("none") }));
    page.items.forEach((m) => box.appendChild(renderMatch(m)));
    window.TM_PORTAL.detail = { kind, id, matches: page.items };
    document.body.dataset.detail = kind + ":" + id;
  }

  document.addEventListener("DOMContentLoaded", async () => {
    applyLabels();
    window.TM_PORTAL = {};
    document.getElementById("to-dashboard").href = window.TM.withLang("/dashboard");
    document.getElementById("switch-lang").href = window.TM.langSwitchHref();
    document.getElementById("search").onsubmit = async (event) => {
      event.preventDefault();
      const q = document.getElementById("q").value.trim();
      const type = document.getElementById("type").value;
      if (q) await search(q, type); else await latest();
      document.body.dataset.results = String(Date.now());
    };
    try {
      await window.TM.ready();
      const q = params.get("q");
      if (q) { document.getElementById("q").value = q; await search(q, ""); } else await latest();
      document.body.dataset.ready = "1";
    } catch (err) {
      document.getElementById("results-title").textContent = t("error") + ": " + err.message;
      document.body.dataset.ready = "error";
    }
  });
})();
