/* ikg workbench: the SPARQL editor on /workbench/sparql, a progressive enhancement.
 *
 * The page works without this file: a text area, a "run" button and an "insert the prefixes"
 * button that the server answers. With it, the text area becomes a CodeMirror 5 editor
 * (vendored in vendor/codemirror-*, SPARQL mode, highlighting in editor.css) and the prefixes are
 * inserted in the browser. Rules kept: the form still posts the text (CodeMirror saves it into the
 * text area on submit); Tab and Shift+Tab leave the editor (no keyboard trap, WCAG 2.1.2); the
 * page's <label> names it; every word comes from the page (the server's catalogue), none from here.
 */
(function () {
  "use strict";

  var area = document.getElementById("sparql-text");
  if (!area || typeof window.CodeMirror !== "function" || !window.CodeMirror.modes.sparql) {
    return; /* the plain text area stays */
  }
  var label = document.getElementById("sparql-label");
  var keys = document.getElementById("sparql-keys");
  var status = document.getElementById("sparql-status");
  var button = document.getElementById("sparql-prefixes");

  var editor = window.CodeMirror.fromTextArea(area, {
    mode: "sparql",
    theme: "ikg",
    inputStyle: "contenteditable", /* the text is in the page, where screen readers read it */
    lineNumbers: true,
    lineWrapping: true, /* no sideways scrolling on a narrow screen */
    indentUnit: 2,
    viewportMargin: Infinity,
    spellcheck: false,
    autocapitalize: false,
    autocorrect: false,
    extraKeys: { Tab: false, "Shift-Tab": false } /* the browser moves the focus */
  });

  var input = editor.getInputField();
  input.setAttribute("role", "textbox");
  input.setAttribute("aria-multiline", "true");
  input.setAttribute("aria-labelledby", label.id);
  input.removeAttribute("aria-label");
  keys.hidden = false;
  input.setAttribute("aria-describedby", keys.id);
  label.removeAttribute("for"); /* the hidden text area is no longer the field */
  label.addEventListener("click", function () {
    editor.focus();
  });

  /* the lines of the library's prefixes, from the list the server wrote */
  function libraryPrefixes() {
    var items = document.querySelectorAll("details.prefixes li[data-prefix]");
    var out = [];
    for (var i = 0; i < items.length; i += 1) {
      out.push({ name: items[i].getAttribute("data-prefix"), iri: items[i].getAttribute("data-iri") });
    }
    return out;
  }

  /* the prefix names a query declares (as api/web/prefixes.py reads them) */
  function declared(text) {
    var found = {};
    var pattern = /^\s*PREFIX\s+([A-Za-z][\w.\-]*)?:\s*<[^<>\s]*>/gim;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      found[match[1] || ""] = true;
    }
    return found;
  }

  function say(text) {
    status.textContent = ""; /* the same words twice are announced twice */
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  if (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var have = declared(editor.getValue());
      var lines = [];
      var names = [];
      libraryPrefixes().forEach(function (prefix) {
        if (!have[prefix.name]) {
          lines.push("PREFIX " + prefix.name + ": <" + prefix.iri + ">\n");
          names.push(prefix.name);
        }
      });
      if (names.length === 0) {
        say(status.getAttribute("data-present"));
        return;
      }
      editor.replaceRange(lines.join(""), { line: 0, ch: 0 });
      editor.save();
      say(status.getAttribute("data-added").replace("{names}", names.join(", ")));
    });
  }

  window.ikgEditor = editor; /* for the tests and the curious */
})();
