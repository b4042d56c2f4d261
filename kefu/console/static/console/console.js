// Kefu console: keyboard moves through search results (↓ ↑ Enter). No inline scripts (CSP).
document.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = [...document.querySelectorAll("[data-keynav] a")];
  if (!links.length) return;
  const at = links.indexOf(document.activeElement);
  const next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
  if (next < 0) { document.getElementById("q")?.focus(); } else { links[next].focus(); }
  event.preventDefault();
});

// ---- Push (issue 11): one WebSocket per page; the server sends notices, screen pops and
// call states. Reconnects with a growing pause; body[data-push-state] says "open" when live.
(() => {
  const body = document.body;
  const path = body.dataset.push;
  if (!path) return;
  const en = (body.dataset.lang || "").startsWith("en");
  const t = (zh, english) => (en ? english : zh);
  const badge = document.getElementById("unread-count");
  let dirty = false;
  document.addEventListener("input", (e) => { if (e.target.closest("form.form")) dirty = true; });
  document.addEventListener("submit", () => { dirty = false; });

  const setUnread = (n) => {
    if (!badge) return;
    badge.dataset.count = String(n);
    badge.textContent = String(n);
    badge.parentElement.classList.toggle("has", n > 0);
  };
  const toast = (title, text, link) => {
    const box = document.getElementById("toasts");
    if (!box) return;
    const item = document.createElement(link ? "a" : "div");
    item.className = "toast";
    if (link) item.href = link;
    const b = document.createElement("b");
    b.textContent = title;
    item.append(b, " ", text);
    box.prepend(item);
    setTimeout(() => item.remove(), 15000);
  };
  const pop = (m) => {
    const here = new URLSearchParams(location.search).get("call");
    if (location.pathname === "/call/" && here === String(m.interaction_id)) return;
    const box = document.getElementById("pop");
    if (!box) return;
    box.replaceChildren();
    const title = document.createElement("b");
    title.textContent = t("来电 ", "Incoming call ") + (m.phone || "");
    const who = document.createElement("span");
    who.textContent = m.customer ? ` ${m.customer}` : t(" 新客户", " new customer");
    const open = document.createElement("a");
    open.href = m.url;
    open.className = "button";
    open.textContent = t("打开来电页", "Open the call");
    box.append(title, who, " ", open);
    box.hidden = false;
    // A page with a half-filled form stays; otherwise the pop opens by itself.
    if (!dirty) window.location.assign(m.url);
  };
  const callState = (m) => {
    const line = document.querySelector(`[data-call="${m.interaction_id}"]`);
    if (!line) return;
    line.dataset.state = m.state;
    line.textContent = {
      ringing: t("振铃中", "Ringing"),
      answered: t("通话中 — 请记录来电", "In the call — log it below"),
      hangup: t("已挂机 — 保存后结束", "Hung up — save to finish"),
    }[m.state] || "";
    if (m.state === "answered") document.querySelector("form.form textarea[name=content]")?.focus();
  };

  let pause = 1000;
  let wallTimer = 0;
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.onopen = () => { body.dataset.pushState = "open"; pause = 1000; };
    socket.onclose = () => {
      body.dataset.pushState = "closed";
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 30000);
    };
    socket.onmessage = (event) => {
      const m = JSON.parse(event.data);
      if (m.type === "notice") {
        setUnread(Number(badge?.dataset.count || 0) + 1);
        toast(en ? m.kind.en : m.kind.zh, m.text, m.link);
      } else if (m.type === "unread") {
        setUnread(m.unread);
      } else if (m.type === "pop") {
        pop(m);
      } else if (m.type === "call") {
        callState(m);
      } else if (m.type === "wall" && window.htmx) {
        // the wall board reads its figures again, at most once a second
        clearTimeout(wallTimer);
        wallTimer = setTimeout(() => htmx.trigger(body, "wall"), 1000);
      }
    };
  };
  connect();
})();

// ---- The status picker sends itself when changed.
document.addEventListener("change", (e) => {
  if (e.target.matches("select[data-autosubmit]")) e.target.form.submit();
});

// ---- Shortcuts: / search, ? help, g then w/n/f/a to go; never while typing in a field.
(() => {
  let g = false;
  const go = { w: "/", n: "/notices/", f: "/followups/next/", a: "/approvals/" };
  document.addEventListener("keydown", (e) => {
    const tag = (e.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (g && go[e.key]) { e.preventDefault(); window.location.assign(go[e.key]); return; }
    g = e.key === "g";
    if (e.key === "/") { e.preventDefault(); document.getElementById("top-q")?.focus(); }
    if (e.key === "?") { e.preventDefault(); document.getElementById("shortcuts")?.showModal(); }
  });
})();

// ---- Going back, rejecting, closing as invalid: buttons with data-confirm ask first.
document.addEventListener("click", (e) => {
  const button = e.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) e.preventDefault();
});

// ---- The follow-up runner without a mouse: a digit picks that score in the focused
// question and moves on to the next question; Enter saves (not inside a text box); after a
// refusal the first error is scrolled to and its question focused.
(() => {
  const form = document.getElementById("answers");
  if (!form) return;
  const questions = [...form.querySelectorAll("fieldset[data-question]")];
  const focusQuestion = (fs) => {
    const input = fs?.querySelector("input:checked, input, textarea");
    input?.focus();
  };
  form.addEventListener("keydown", (e) => {
    const fs = e.target.closest("fieldset[data-question]");
    if (e.key === "Enter" && e.target.tagName !== "TEXTAREA" && e.target.tagName !== "BUTTON") {
      e.preventDefault();
      form.requestSubmit();
      return;
    }
    if (!fs || !/^[0-9]$/.test(e.key)) return;
    const radio = fs.querySelector(`input[type=radio][value="${e.key}"]`);
    if (!radio) return;
    e.preventDefault();
    radio.checked = true;
    focusQuestion(questions[questions.indexOf(fs) + 1] || form.querySelector("textarea[name=note]"));
  });
  const error = form.querySelector(".error");
  if (error) {
    error.scrollIntoView({ block: "center" });
    focusQuestion(error.closest("fieldset"));
  } else {
    focusQuestion(questions[0]);
  }
})();

// ---- Service language: a textarea marked data-wording is checked for forbidden
// phrases as the agent pauses typing; the warning (the phrase, why, what to say instead)
// stands under it. Saving is never blocked.
(() => {
  const token = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  document.querySelectorAll("textarea[data-wording]").forEach((area) => {
    const out = area.closest("label")?.nextElementSibling;
    if (!out || !out.classList.contains("wording")) return;
    let timer = null;
    const check = async () => {
      const body = new URLSearchParams({ text: area.value });
      const r = await fetch("/wording/", {
        method: "POST", body, headers: { "X-CSRFToken": token() }, credentials: "same-origin",
      });
      if (r.ok) out.innerHTML = await r.text();
    };
    area.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 400); });
    if (area.value) check();
  });
})();

// ---- Knowledge base: the panel beside a contact or a follow-up call. Its search
// asks as the agent pauses typing; its suggestions follow the contact's category and what
// is typed in its content; "引用到答复" copies the answer into the reply (and counts one
// use); "有帮助 / 没帮助" rates it.
(() => {
  const panel = document.querySelector("[data-kb]");
  if (!panel) return;
  const token = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const post = (url, data) => fetch(url, {
    method: "POST", body: new URLSearchParams(data),
    headers: { "X-CSRFToken": token() }, credentials: "same-origin",
  });
  const results = panel.querySelector(".kb-results");
  const suggested = panel.querySelector(".kb-suggested");
  const search = panel.querySelector("[data-kb-search]");
  const form = document;
  const content = form.querySelector("textarea[name=content], textarea[name=note]");
  const category = form.querySelector("select[name=category]");
  const reply = () => form.querySelector(panel.dataset.kbTarget || "textarea[name=outcome]");
  let timer = null;
  let typed = null;
  let searches = 0;
  let suggestions = 0;  // an answer older than the latest question is dropped
  search?.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++searches;
      const r = await fetch(`/knowledge/panel/?q=${encodeURIComponent(search.value)}`,
                            { credentials: "same-origin" });
      const html = r.ok ? await r.text() : null;
      if (html !== null && mine === searches) results.innerHTML = html;
    }, 300);
  });
  const suggest = async () => {
    const mine = ++suggestions;
    const r = await post("/knowledge/suggest/", {
      category: category?.value || "", text: content?.value || "",
    });
    const html = r.ok ? await r.text() : null;
    if (html !== null && mine === suggestions) suggested.innerHTML = html;
  };
  content?.addEventListener("input", () => { clearTimeout(typed); typed = setTimeout(suggest, 800); });
  category?.addEventListener("change", suggest);
  panel.addEventListener("click", async (event) => {

    const item = event.target.closest("[data-article]");
    if (!item) return;
    if (event.target.matches("[data-kb-copy]")) {
      const area = reply();
      const answer = item.querySelector(".kb-answer")?.textContent || "";
      if (area) {
        area.value = area.value ? `${area.value}\n${answer}` : answer;
        area.dispatchEvent(new Event("input"));
        area.focus();
      }
      post(`/knowledge/${item.dataset.article}/use/`, {});
    } else if (event.target.matches("[data-kb-feedback]")) {
      const r = await post(`/knowledge/${item.dataset.article}/feedback/`,
                           { helpful: event.target.dataset.kbFeedback });
      if (r.ok) item.querySelector(".kb-feedback").innerHTML = await r.text();
    }
  });
  if (category?.value) suggest();
})();

// ---- Reports print themselves from a button (no inline script: CSP).
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-print]")) window.print();
});
