/**
 * Text placed in HTML the extension builds itself (page shells, the cluster
 * map): every value that comes from users, labs or the cluster goes through
 * here, in element content and in quoted attribute values alike.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
