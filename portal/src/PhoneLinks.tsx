// The API's answers name support's phone numbers in their text ("1-866-794-3423"); a phone can dial them.
const PHONE_NUMBER = /(?:\+?1[-. ])?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}/g;

function telHref(number: string): string {
  const digits = number.replace(/\D/g, "");
  return `tel:+${digits.length === 10 ? `1${digits}` : digits}`;
}

/** Text with each phone number in it as a tel: link. */
export function PhoneLinkedText({ text }: { text: string }) {
  const pieces = [];
  let last = 0;
  for (const match of text.matchAll(PHONE_NUMBER)) {
    const start = match.index ?? 0;
    pieces.push(text.slice(last, start), <a href={telHref(match[0])}>{match[0]}</a>);
    last = start + match[0].length;
  }
  pieces.push(text.slice(last));
  return <>{pieces}</>;
}
