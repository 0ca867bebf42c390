// A <select data-autosubmit> sends its form when changed (the dashboard's and the branch
// home's scope pickers): a listener here, not an onchange="" the Content-Security-Policy forbids.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
});
