/* Rebound Journey. Plain JavaScript: the page asks /app/api/ with the Mini App's init data and
   draws what comes back. Every word is from the content catalogue (the API's "words"); what
   people typed is set as text, never as markup. */
(function () {
  "use strict";
  var tg = window.Telegram && window.Telegram.WebApp;
  var inTelegram = !!(tg && tg.initData);
  var initData = inTelegram ? tg.initData : new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") || "";
  var TABS = ["timeline", "plan", "mood", "feedback", "strengths", "settings"];
  var asked = new URLSearchParams(location.search).get("tab");
  var state = { data: null, words: {}, tab: TABS.indexOf(asked) >= 0 ? asked : "timeline", period: "30", sub: null, dirty: {} };
  var view = document.getElementById("view");

  function w(key, params) {
    var text = state.words[key] || "";
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(params[name]));
    });
    return text;
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (name === "text") node.textContent = value;
      else if (name === "html") node.innerHTML = value; // catalogue HTML, params escaped server-side
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }

  function button(label, onclick, cls, extra) {
    var attrs = { type: "button", "class": cls || "action", text: label, onclick: onclick };
    Object.keys(extra || {}).forEach(function (k) { attrs[k] = extra[k]; });
    return el("button", attrs);
  }

  function api(method, path, body) {
    return fetch("api/" + path, {
      method: method,
      headers: { Authorization: "tma " + initData, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (answer) {
      return answer.json().catch(function () { return {}; }).then(function (json) {
        if (json.words) state.words = json.words;
        if (!answer.ok) {
          var error = new Error(json.error || "failed");
          error.status = answer.status;
          error.body = json;
          throw error;
        }
        return json;
      });
    });
  }

  function notice(text) {
    var box = document.getElementById("notice");
    if (!text) return;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(function () { box.hidden = true; }, 3500);
  }

  function applyTheme() {
    if (!tg) return;
    var root = document.documentElement;
    var params = tg.themeParams || {};
    Object.keys(params).forEach(function (name) {
      root.style.setProperty("--tg-theme-" + name.replace(/_/g, "-"), params[name]);
    });
    if (tg.colorScheme) root.setAttribute("data-scheme", tg.colorScheme);
  }

  function applyViewport() {
    if (tg && tg.viewportStableHeight) {
      document.documentElement.style.setProperty("--height", tg.viewportStableHeight + "px");
    }
  }

  // --- Telegram's BackButton (a sub-view is open) and MainButton (unsaved settings) ---------
  function back() {
    state.sub = null;
    render();
  }

  function syncButtons() {
    var save = document.getElementById("save");
    var dirty = state.tab === "settings" && !state.sub && Object.keys(state.dirty).length > 0;
    if (inTelegram && tg.BackButton) {
      if (state.sub) tg.BackButton.show(); else tg.BackButton.hide();
    }
    if (inTelegram && tg.MainButton) {
      save.hidden = true;
      if (dirty) tg.MainButton.setText(w("settings.save")).show(); else tg.MainButton.hide();
    } else {
      save.textContent = w("settings.save");
      save.hidden = !dirty;
    }
  }

  // --- Loading and changing -----------------------------------------------------------------
  function load() {
    view.textContent = "";
    view.appendChild(el("p", { "class": "muted", text: w("loading") }));
    api("GET", "me").then(show, failed);
  }

  function show(data) {
    if (data.deleted) {
      state.data = null;
      view.textContent = "";
      view.appendChild(el("div", { "class": "card", text: data.notice }));
      document.getElementById("tabs").textContent = "";
      if (inTelegram && tg.MainButton) tg.MainButton.hide();
      return;
    }
    state.data = data;
    state.dirty = {};
    document.documentElement.lang = data.locale;
    notice(data.notice);
    render();
  }

  function failed(error) {
    var key = error.status === 401 ? "unauthorized" : error.status === 404 && error.body && error.body.error === "not_started" ? "not_started" : "failed";
    if (state.data && key === "failed") {
      notice((error.body && error.body.message) || w("failed"));
      if (error.status !== 422) load();
      return;
    }
    view.textContent = "";
    view.appendChild(el("div", { "class": "card" },
      el("p", { text: w(key) || "…" }),
      key === "failed" ? button(w("retry"), load) : null));
  }

  function change(method, path, body) {
    return api(method, path, body).then(show, failed);
  }

  // --- Drawing --------------------------------------------------------------------------------
  function render() {
    document.title = w("title");
    document.getElementById("title").textContent = w("title");
    var tabs = document.getElementById("tabs");
    tabs.textContent = "";
    TABS.forEach(function (tab) {
      tabs.appendChild(button(w("tabs." + tab), function () {
        state.tab = tab;
        state.sub = null;
        render();
      }, "", { role: "tab", "aria-selected": String(tab === state.tab), "data-tab": tab }));
    });
    view.textContent = "";
    if (state.sub) state.sub();
    else ({ timeline: timeline, plan: plan, mood: mood, feedback: feedback, strengths: strengths, settings: settings })[state.tab]();
    syncButtons();
  }

  function timeline() {
    var data = state.data;
    if (data.patterns_html) view.appendChild(el("div", { "class": "card rich", html: data.patterns_html }));
    if (!data.debriefs.length) {
      view.appendChild(el("div", { "class": "card muted", text: w("timeline.empty") }));
      return;
    }
    view.appendChild(el("p", { "class": "muted small", text: w("timeline.count", { n: data.debriefs.length }) }));
    data.debriefs.forEach(function (d) {
      var detail = [d.role, d.stage_label, d.date_label].filter(Boolean).join(" · ");
      view.appendChild(el("button", { type: "button", "class": "card item debrief", "data-id": d.id, onclick: function () { openCard(d.id); } },
        el("strong", { text: d.company }),
        el("span", { "class": "muted small", text: detail }),
        d.mood ? el("div", { "class": "small", text: w("timeline.mood", { mood: d.mood_label }) }) : null));
    });
  }

  function openCard(id) {
    api("GET", "debriefs/" + id).then(function (answer) {
      state.sub = function () { view.appendChild(el("div", { "class": "card rich", id: "debrief-card", html: answer.card_html })); };
      render();
    }, failed);
  }

  function plan() {
    var steps = state.data.plan;
    if (!steps.length) {
      view.appendChild(el("div", { "class": "card muted", text: w("plan.empty") }));
      return;
    }
    steps.forEach(function (step) {
      var act = function (verb) { return function () { change("POST", "plan/" + step.id, { action: verb }); }; };
      view.appendChild(el("div", { "class": "card step", "data-id": step.id },
        el("div", { "class": "rich", html: step.text_html }),
        step.snoozed ? el("div", { "class": "muted small", text: w("plan.snoozed") }) : null,
        el("div", { "class": "row" },
          button(w("plan.done"), act("done"), "action", { "data-action": "done" }),
          step.snoozed ? null : button(w("plan.snooze"), act("snooze"), "action", { "data-action": "snooze" }),
          button(w("plan.dismiss"), act("dismiss"), "action", { "data-action": "dismiss" }))));
    });
  }

  // --- Mood and activity: the numbers /stats draws, drawn here --------------------------------
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    return node;
  }
  function days(from, to) { return Math.round((Date.parse(to) - Date.parse(from)) / 86400000); }

  function moodChart(data) {
    var width = 320, height = 140, left = 24, top = 8, bottom = 20;
    var span = Math.max(1, days(data.start, data.end));
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": w("mood.mood_title") });
    var y = function (m) { return top + (5 - m) * (height - top - bottom) / 4; };
    var x = function (day) { return left + days(data.start, day) * (width - left - 8) / span; };
    [1, 3, 5].forEach(function (m) {
      chart.appendChild(svg("line", { "class": "axis", x1: left, x2: width - 4, y1: y(m), y2: y(m) }));
    });
    chart.appendChild(svg("text", { x: 0, y: y(5) + 4, text: w("mood.mood_high") }));
    chart.appendChild(svg("text", { x: 0, y: y(1) + 4, text: w("mood.mood_low") }));
    var points = data.moods.map(function (p) { return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1); });
    if (points.length > 1) chart.appendChild(svg("polyline", { "class": "line", points: points.join(" ") }));
    data.moods.forEach(function (p) { chart.appendChild(svg("circle", { "class": "dot", cx: x(p[0]), cy: y(p[1]), r: 3 })); });
    chart.appendChild(svg("text", { x: left, y: height - 4, text: data.start }));
    chart.appendChild(svg("text", { x: width - 64, y: height - 4, text: data.end }));
    return chart;
  }

  function activityChart(data) {
    var width = 320, height = 110, base = 90, count = data.buckets.length || 1;
    var most = Math.max.apply(null, [1].concat(data.done, data.wins));
    var slot = (width - 8) / count, bar = Math.max(2, slot / 2 - 2);
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": w("mood.activity_title") });
    chart.appendChild(svg("line", { "class": "axis", x1: 0, x2: width, y1: base, y2: base }));
    data.buckets.forEach(function (_day, i) {
      var done = data.done[i] * 80 / most, wins = data.wins[i] * 80 / most;
      chart.appendChild(svg("rect", { "class": "bar", x: 4 + i * slot, y: base - done, width: bar, height: done }));
      chart.appendChild(svg("rect", { "class": "bar alt", x: 4 + i * slot + bar + 1, y: base - wins, width: bar, height: wins }));
    });
    chart.appendChild(svg("text", { x: 4, y: height - 4, text: "■ " + w("mood.done") + "   ▪ " + w("mood.wins") }));
    return chart;
  }

  function bars(rows) {
    var most = Math.max.apply(null, [1].concat(rows.map(function (r) { return r[1]; })));
    var box = el("div", { "class": "bars" });
    rows.forEach(function (r) {
      box.appendChild(el("div", {}, el("span", { text: r[0] }),
        el("i", { style: "width:" + Math.round(55 * r[1] / most) + "%" }), el("span", { "class": "muted", text: String(r[1]) })));
    });
    return box;
  }

  function mood() {
    var periods = el("div", { "class": "periods", role: "tablist" });
    ["30", "90", "all"].forEach(function (p) {
      periods.appendChild(button(w("mood.period." + p), function () { state.period = p; render(); },
        p === state.period ? "primary" : "action", { "aria-selected": String(p === state.period) }));
    });
    view.appendChild(periods);
    var data = state.data.stats[state.period];
    view.appendChild(el("p", { "class": "small", text: data.summary }));
    if (!data.enough) {
      view.appendChild(el("div", { "class": "card muted", text: w("mood.little") }));
      return;
    }
    data.patterns.forEach(function (line) { view.appendChild(el("p", { "class": "small", text: line })); });
    view.appendChild(el("h2", { text: w("mood.mood_title") }));
    view.appendChild(el("div", { "class": "card" }, moodChart(data)));
    view.appendChild(el("h2", { text: w("mood.activity_title") }));
    view.appendChild(el("div", { "class": "card" }, activityChart(data)));
    view.appendChild(el("h2", { text: w("mood.stages_title") }));
    view.appendChild(el("div", { "class": "card" }, bars(data.stages)));
    if (data.reasons.length) {
      view.appendChild(el("h2", { text: w("mood.reasons_title") }));
      view.appendChild(el("div", { "class": "card" }, bars(data.reasons)));
    }
  }

  function copy(text, node) {
    var done = function () { node.textContent = w("feedback.copied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }
  function fallbackCopy(text) {
    var area = el("textarea", { readonly: "" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }

  function feedback() {
    var requests = state.data.feedback;
    if (!requests.length) {
      view.appendChild(el("div", { "class": "card muted", text: w("feedback.empty") }));
      return;
    }
    requests.forEach(function (r) {
      var act = function (verb) { return function () { change("POST", "feedback/" + r.id, { action: verb }); }; };
      var card = el("div", { "class": "card request", "data-id": r.id },
        el("strong", { text: r.company }),
        el("div", { "class": "muted small", text: r.state_label + " · " + r.date_label }));
      if (r.subject) {
        var copySubject = button(w("feedback.copy"), function () { copy(r.subject, copySubject); });
        card.appendChild(el("div", { "class": "row small" }, el("span", { text: w("feedback.subject") + ": " + r.subject }), copySubject));
      }
      if (r.draft) {
        card.appendChild(el("pre", { "class": "draft", text: r.draft }));
        var copyDraft = button(w("feedback.copy"), function () { copy(r.draft, copyDraft); });
        card.appendChild(el("div", { "class": "row" }, copyDraft));
      }
      card.appendChild(el("div", { "class": "row" },
        r.can_send ? button(w("feedback.sent"), act("sent"), "primary") : null,
        r.can_reply ? button(w("feedback.replied"), act("replied"), "primary") : null));
      view.appendChild(card);
    });
  }

  function strengths() {
    var list = state.data.strengths;
    if (!list.length) view.appendChild(el("div", { "class": "card muted", text: w("strengths.empty") }));
    list.forEach(function (s) {
      view.appendChild(el("div", { "class": "card row" }, el("span", { style: "flex:1", text: s.text }),
        button(w("strengths.remove"), function () { change("DELETE", "strengths/" + s.id); }, "action danger")));
    });
    var input = el("input", { type: "text", maxlength: "120", placeholder: w("strengths.placeholder"), "aria-label": w("strengths.placeholder") });
    var add = function () { if (input.value.trim()) change("POST", "strengths", { text: input.value }); };
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") add(); });
    view.appendChild(el("div", { "class": "card" }, input, el("div", { "class": "row" }, button(w("strengths.add"), add, "primary"))));
  }

  function settings() {
    var s = state.data.settings;
    var edited = function (name) { return function (e) { state.dirty[name] = e.target.value; syncButtons(); }; };
    var zone = el("input", { id: "tz", type: "text", value: s.timezone || "", placeholder: w("settings.timezone_hint"), oninput: edited("timezone") });
    var time = el("input", { id: "time", type: "time", value: s.checkin_time || "", oninput: edited("checkin_time") });
    var choice = function (id, name, options, current) {
      var select = el("select", { id: id, onchange: edited(name) });
      options.forEach(function (o) { select.appendChild(el("option", { value: o[0], text: o[1], selected: o[0] === current ? "" : null })); });
      return select;
    };
    var freq = choice("freq", "frequency", s.frequencies, s.frequency);
    var lang = choice("lang", "language", s.languages, s.language);
    view.appendChild(el("div", { "class": "card" },
      el("label", { "for": "tz", text: w("settings.timezone") }), zone,
      el("label", { "for": "time", text: w("settings.checkin_time") }), time,
      el("label", { "for": "freq", text: w("settings.frequency") }), freq,
      el("label", { "for": "lang", text: w("settings.language") }), lang));
    var pause = el("div", { "class": "card" });
    if (s.paused) {
      pause.appendChild(el("p", { text: s.paused_until ? w("settings.paused_until", { date: s.paused_until.slice(0, 10) }) : w("settings.paused") }));
      pause.appendChild(button(w("settings.resume"), function () { change("POST", "settings", { resume: true }); }, "primary"));
    } else {
      pause.appendChild(el("div", { "class": "row" },
        button(w("settings.pause_week"), function () { change("POST", "settings", { pause: 7 }); }),
        button(w("settings.pause_open"), function () { change("POST", "settings", { pause: null }); })));
    }
    view.appendChild(pause);
    view.appendChild(el("div", { "class": "card row" },
      button(w("settings.export"), function () { change("POST", "export"); }),
      button(w("settings.delete"), confirmDelete, "action danger")));
  }

  function saveSettings() {
    var names = Object.keys(state.dirty);
    var next = Promise.resolve(null);
    names.forEach(function (name) {
      next = next.then(function () { var body = {}; body[name] = state.dirty[name]; return api("POST", "settings", body); });
    });
    next.then(function (data) { if (data) show(data); }, failed);
  }

  function confirmDelete() {
    var s = state.data.settings;
    state.sub = function () {
      view.appendChild(el("div", { "class": "card" },
        el("div", { "class": "rich", html: s.delete_confirm_html }),
        el("div", { "class": "row" },
          button(s.delete_button, function () { change("POST", "delete", { confirm: true }); }, "primary"),
          button(s.keep_button, back))));
    };
    render();
  }

  // --- Start ------------------------------------------------------------------------------------
  document.getElementById("save").addEventListener("click", saveSettings);
  if (tg) {
    applyTheme();
    applyViewport();
    tg.onEvent("themeChanged", applyTheme);
    tg.onEvent("viewportChanged", applyViewport);
    if (tg.BackButton) tg.BackButton.onClick(back);
    if (tg.MainButton) tg.MainButton.onClick(saveSettings);
    tg.ready();
    tg.expand();
  }
  load();
})();
