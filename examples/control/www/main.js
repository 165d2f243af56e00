// The control page: reads /api/state and /api/settings, switches outputs, saves settings.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var labelsShown = -1;

  function status(text, error) {
    $("status").textContent = text;
    $("status").className = error ? "error" : "";
  }

  function call(method, url, body) {
    var init = { method: method, cache: "no-store" };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "Content-Type": "application/json" };
    }
    return fetch(url, init).then(function (response) {
      if (!response.ok) throw new Error(method + " " + url + ": " + response.status);
      return response.json();
    });
  }

  function duration(seconds) {
    var d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24;
    var m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return (d ? d + "d " : "") + (d || h ? h + "h " : "") + (d || h || m ? m + "m " : "") + s + "s";
  }

  function showOutput(output) {
    var button = document.querySelector('#outputs button[data-output="' + output.id + '"]');
    if (!button) return;
    button.textContent = output.on ? "On" : "Off";
    button.className = "toggle" + (output.on ? " on" : "");
    button.setAttribute("aria-pressed", String(output.on));
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
        button.onclick = function () { toggle(output.id); };
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
        input.className = "label";
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
    return call("GET", "/api/state").then(function (state) {
      showState(state);
      status("Updated " + new Date().toLocaleTimeString());
    }, function (error) { status(error.message, true); });
  }

  function toggle(n) {
    call("POST", "/api/output/" + n).then(function (output) {
      showOutput(output);
      status(output.label + " switched " + (output.on ? "on" : "off"));
    }, function (error) { status(error.message, true); });
  }

  $("settings").onsubmit = function (event) {
    event.preventDefault();
    var labels = [];
    var inputs = document.querySelectorAll("#labels input");
    for (var i = 0; i < inputs.length; i++) labels.push(inputs[i].value);
    call("PUT", "/api/settings", { name: $("device-name").value, labels: labels }).then(function (settings) {
      showSettings(settings);
      return refresh();
    }).then(function () { status("Settings saved"); }, function (error) { status(error.message, true); });
  };

  call("GET", "/api/settings").then(showSettings).then(refresh).catch(function (error) {
    status(error.message, true);
  });
  setInterval(refresh, 5000);
})();
