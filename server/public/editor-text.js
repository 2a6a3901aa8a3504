// Replaces the editor's whole text as one edit the user can undo (Ctrl+Z), then places the caret.

/**
 * Browsers keep an undo step only for edits made through the editing commands; where
 * `insertText` is missing (or refused), the value is set directly and an `input` event still tells
 * the preview, the gutter and lint.
 */
export function replaceEditorText(editor, text, caret = 0) {
  editor.focus();
  editor.select();
  const undoable = typeof document.execCommand === 'function' && document.execCommand('insertText', false, text) && editor.value === text;
  if (!undoable) {
    editor.value = text;
    editor.dispatchEvent(new Event('input', { bubbles: true }));
  }
  editor.setSelectionRange(caret, caret);
}
