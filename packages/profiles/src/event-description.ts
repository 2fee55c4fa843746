/**
 * How the event catalogue describes an event of a product's object, in plain English: the object's name as people
 * write it (`ClientContact` → "client contact", `TIME_REG` → "time reg") and the article its sound wants ("an invoice",
 * "a user").
 */

/** `ClientContact`, `TIME_REG`, `Employee` → `client contact`, `time reg`, `employee`. */
export function readableNoun(name: string): string {
  return name
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** "a" or "an" by the noun's first sound: a vowel, but not the "you" sound of user, unit, unique, url. */
export function indefiniteArticle(noun: string): 'a' | 'an' {
  return /^(?:[aeio]|u(?!s|ni|ri|rl))/i.test(noun) ? 'an' : 'a';
}

/** The object as a sentence starts with it: "A client contact", "An invoice". */
export function anObject(objectName: string): string {
  const noun = readableNoun(objectName);
  return `${indefiniteArticle(noun) === 'an' ? 'An' : 'A'} ${noun}`;
}

/** "A client contact was created", "An invoice was deleted". */
export function objectEventDescription(objectName: string, pastTense: string): string {
  return `${anObject(objectName)} was ${pastTense}`;
}
