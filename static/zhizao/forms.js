// Small form helpers that would otherwise need inline script (forbidden by our CSP).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.classList && el.classList.contains("autosubmit") && el.form) el.form.submit();
  });
})();
