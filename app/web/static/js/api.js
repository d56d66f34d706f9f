/* Shared by the pages: language, labels, and JSON API calls with the token kept in sessionStorage. */
(function () {
  "use strict";
  const params = new URLSearchParams(window.location.search);
  const LANG = params.get("lang") === "en" ? "en" : "zh";
  const TOKEN_KEY = "talentmatch.token";
  const ANON_KEY = "talentmatch.anonymous";

  function t(key) {
    const table = window.TM_I18N[LANG] || {};
    return table[key] || window.TM_I18N.zh[key] || key;
  }

  function applyLabels(root) {
    document.documentElement.lang = LANG === "en" ? "en" : "zh-CN";
    (root || document).querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    (root || document).querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.appendChild(typeof c === "string" ? document.createTextNode(c) : c));
    return node;
  }

  let pendingLogin = null;

  function showLogin() {
    if (pendingLogin) return pendingLogin;
    const overlay = document.getElementById("login");
    const form = overlay.querySelector("form");
    const message = overlay.querySelector(".error");
    overlay.classList.remove("hidden");
    pendingLogin = new Promise((resolve) => {
      form.onsubmit = async (event) => {
        event.preventDefault();
        const body = new URLSearchParams({ username: form.email.value, password: form.password.value });
        const response = await fetch("/api/v1/auth/token", { method: "POST", body });
        if (!response.ok) { message.textContent = t("loginFailed"); return; }
        const token = (await response.json()).access_token;
        sessionStorage.setItem(TOKEN_KEY, token);
        overlay.classList.add("hidden");
        pendingLogin = null;
        resolve();
      };
      overlay.querySelector("[data-skip]").onclick = () => {
        sessionStorage.setItem(ANON_KEY, "1");
        overlay.classList.add("hidden");
        pendingLogin = null;
        resolve();
      };
    });
    return pendingLogin;
  }

  /* Ask for credentials before the first call instead of provoking a 401. */
  async function ready() {
    if (!sessionStorage.getItem(TOKEN_KEY) && !sessionStorage.getItem(ANON_KEY)) await showLogin();
  }

  async function api(path, query) {
    const url = new URL(path, window.location.origin);
    Object.entries(query || {}).forEach(([k, v]) => { if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, v); });
    if (!url.searchParams.has("lang") && path.startsWith("/api/v1/analytics")) url.searchParams.set("lang", LANG);
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(url, { headers });
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      sessionStorage.removeItem(ANON_KEY);
      await showLogin();
      return api(path, query);
    }
    if (!response.ok) throw new Error(path + ": HTTP " + response.status);
    return response.json();
  }

  function withLang(href) {
    const url = new URL(href, window.location.origin);
    if (LANG === "en") url.searchParams.set("lang", "en");
    return url.pathname + url.search;
  }

  function langSwitchHref() {
    const url = new URL(window.location.href);
    if (LANG === "en") url.searchParams.delete("lang"); else url.searchParams.set("lang", "en");
    return url.pathname + url.search;
  }

  window.TM = { LANG, params, t, applyLabels, el, api, ready, withLang, langSwitchHref };
})();
