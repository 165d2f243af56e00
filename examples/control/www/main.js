// The control page: live state over server-sent events (polling /api/state when they are not to be had),
// outputs set (not toggled) with a pending state until the device confirms, settings and a password.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var labelsShown = -1;
  var pending = {};
  var events = null;
  var ticks = 0;

  function status(text, error) {
    $("status").textContent = text;
    $("status").className = error ? "error" : "";
  }

  function online(yes) {
    document.body.className = yes ? "" : "offline";
  }

  function call(method, url, body) {
    var init = { method: method, cache: "no-store" };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "Content-Type": "application/json" };
    }
    return fetch(url, init).then(function (response) {
      online(true);
      if (!response.ok) {
        return response.json().then(function (answer) { throw new Error(answer.error || response.status); },
          function () { throw new Error(method + " " + url + ": " + response.status); });
      }
      return response.json();
    }, function (error) {
      online(false);
      throw error;
    });
  }

  function duration(seconds) {
    var d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24;
    var m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return (d ? d + "d " : "") + (d || h ? h + "h " : "") + (d || h || m ? m + "m " : "") + s + "s";
  }

  function showOutput(output) {
    var button = document.querySelector('#outputs button[data-output="' + output.id + '"]');
    if (!button || pending[output.id]) return;
    button.textContent = output.on ? "On" : "Off";
    button.className = "toggle" + (output.on ? " on" : "");
    button.setAttribute("aria-pressed", String(output.on));
    button.disabled = false;
    button.previousSibling.textContent = output.label;
  }

  function showState(state) {
    document.title = state.name;
    $("name").textContent = state.name;
    $("board").textContent = state.board;
    var list = $("outputs");
    if (list.children.length !== state.outputs.length) {
      list.textContent = "";
      state.outputs.forEach(function (output) {
        var item = document.createElement("li");
        var label = document.createElement("span");
        var button = document.createElement("button");
        button.setAttribute("data-output", output.id);
        button.onclick = function () { set(output.id, button.getAttribute("aria-pressed") !== "true"); };
        item.appendChild(label);
        item.appendChild(button);
        list.appendChild(item);
      });
    }
    state.outputs.forEach(showOutput);
    $("temperature").textContent = state.temperature === null ? "n/a" : state.temperature + " \u00b0C";
    $("analog").textContent = state.analog === null ? "n/a" : state.analog;
    $("uptime").textContent = duration(state.uptime);
    var memory = state.memory;
    $("memory").textContent = memory.unit === "blocks" ? memory.free + " of " + memory.total + " blocks"
      : Math.round(memory.free / 1024) + " of " + Math.round(memory.total / 1024) + " KB";
  }

  function showSettings(settings) {
    $("device-name").value = settings.name;
    var box = $("labels");
    if (labelsShown !== settings.labels.length) {
      box.textContent = "";
      settings.labels.forEach(function (label, n) {
        var row = document.createElement("label");
        var input = document.createElement("input");
        input.setAttribute("data-output", n);
        input.maxLength = 24;
        row.appendChild(document.createTextNode("Output " + (n + 1) + " label "));
        row.appendChild(input);
        box.appendChild(row);
      });
      labelsShown = settings.labels.length;
    }
    settings.labels.forEach(function (label, n) {
      box.querySelector('input[data-output="' + n + '"]').value = label;
    });
  }

  function refresh() {
    return call("GET", "/api/state").then(showState, function (error) { status(error.message, true); });
  }

  // The device pushes its state; if it cannot (no EventSource, or its subscribers are all taken), poll.
  function listen() {
    if (!window.EventSource) return;
    events = new EventSource("/api/events");
    events.onmessage = function (message) {
      online(true);
      $("live").textContent = "live";
      showState(JSON.parse(message.data));
    };
    events.onerror = function () {
      $("live").textContent = "every 5 s";
      // CLOSED: refused (503); CONNECTING: the browser tries again by itself, and polling tells if the device is gone.
      if (events.readyState === 2) events = null;
    };
  }

  setInterval(function () {
    ticks++;
    if (!events && ticks % 6 === 0) listen();
    if (!events || events.readyState !== 1) refresh();
  }, 5000);

  function set(n, on) {
    var button = document.querySelector('#outputs button[data-output="' + n + '"]');
    if (pending[n]) return;
    pending[n] = true;
    button.disabled = true;
    button.className = "toggle pending";
    button.textContent = on ? "On\u2026" : "Off\u2026";
    call("PUT", "/api/outputs/" + n, { on: on }).then(function (output) {
      pending[n] = false;
      showOutput(output);
      status(output.label + " switched " + (output.on ? "on" : "off"));
    }, function (error) {
      pending[n] = false;
      button.disabled = false;
      status(error.message, true);
      refresh();
    });
  }

  $("settings").onsubmit = function (event) {
    event.preventDefault();
    var labels = [];
    var inputs = document.querySelectorAll("#labels input");
    for (var i = 0; i < inputs.length; i++) labels.push(inputs[i].value);
    var password = $("password").value;
    call("PUT", "/api/settings", { name: $("device-name").value, labels: labels }).then(function (settings) {
      showSettings(settings);
      return password ? call("PUT", "/api/password", { password: password }) : undefined;
    }).then(function () {
      $("password").value = "";
      status(password ? "Settings and password saved" : "Settings saved");
      return refresh();
    }).catch(function (error) { status(error.message, true); });
  };

  call("GET", "/api/settings").then(showSettings).then(refresh).then(listen).catch(function (error) {
    status(error.message, true);
  });
})();
