/**
 * The script embed: a few lines of JavaScript that insert the widget's HTML where the script
 * tag stands, inside a shadow root so that the member's CSS and the widget's do not mix. The
 * HTML is the same as the framed page's; the script only places it.
 */
export function embedScript(html: string): string {
  // `<` escaped so that no `</script>` can close an inline copy of this script early.
  const literal = JSON.stringify(html).replace(/</g, '\\u003c');
  return [
    '(function () {',
    '  var here = document.currentScript;',
    '  if (!here || !here.parentNode) return;',
    "  var box = document.createElement('div');",
    "  var root = box.attachShadow ? box.attachShadow({ mode: 'open' }) : box;",
    `  root.innerHTML = ${literal};`,
    '  here.parentNode.insertBefore(box, here);',
    '})();',
    '',
  ].join('\n');
}
