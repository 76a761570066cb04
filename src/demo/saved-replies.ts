import { newId } from '../core/index.ts';
import type { NewRow } from '../store/index.ts';
import { SUBSIDIARIES } from './organisation.ts';

interface ReplySet {
  greeting: [title: string, body: string];
  order: [title: string, body: string];
  closing: [title: string, body: string];
}

/** The same three replies in each language a demo subsidiary serves: greeting, the order number, closing. */
const REPLIES: Record<string, ReplySet> = {
  fr: {
    greeting: [
      'Accueil',
      'Bonjour {{customer.name}}, je suis {{agent.name}} et je m’occupe de votre demande. Comment puis-je vous aider ?',
    ],
    order: [
      'Numéro de commande',
      'Merci {{customer.name}}. Pour retrouver votre commande, pouvez-vous me confirmer son numéro ? J’ai la référence {{order}} : est-ce bien celle-ci ?',
    ],
    closing: [
      'Clôture',
      'Merci de nous avoir écrit, {{customer.name}}. Votre demande est traitée ; n’hésitez pas à revenir vers nous si besoin. Bonne journée, {{agent.name}}',
    ],
  },
  en: {
    greeting: [
      'Greeting',
      'Hello {{customer.name}}, this is {{agent.name}}; I am looking after your request. How can I help?',
    ],
    order: [
      'Order number',
      'Thank you, {{customer.name}}. To find your order, could you confirm its number? I have reference {{order}}: is that the right one?',
    ],
    closing: [
      'Closing',
      'Thank you for contacting us, {{customer.name}}. Your request is done; write to us any time if you need anything else. Kind regards, {{agent.name}}',
    ],
  },
  ar: {
    greeting: ['الترحيب', 'مرحبًا {{customer.name}}، معك {{agent.name}} وسأتولى طلبك. كيف يمكنني مساعدتك؟'],
    order: [
      'رقم الطلب',
      'شكرًا {{customer.name}}. للعثور على طلبك، هل يمكنك تأكيد رقمه؟ لديّ المرجع {{order}}: هل هو الصحيح؟',
    ],
    closing: [
      'الختام',
      'شكرًا لتواصلك معنا يا {{customer.name}}. تمت معالجة طلبك، ولا تتردد في مراسلتنا عند الحاجة. مع تحياتي، {{agent.name}}',
    ],
  },
  wo: {
    greeting: [
      'Nuyu',
      'Salaam aleekum {{customer.name}}, {{agent.name}} laa tudd, maa ngi topp sa laaj. Lan laa la mënë defal?',
    ],
    order: [
      'Nimeroy komaand',
      'Jërëjëf {{customer.name}}. Ngir gis sa komaand, ndax mën nga ma wax nimeroom? Am naa referaas {{order}}: ndax moom la?',
    ],
    closing: [
      'Mujj',
      'Jërëjëf ci sa bataaxal, {{customer.name}}. Sa laaj jeex na; bu la soxlaa dara, bindal nu. Ba beneen yoon, {{agent.name}}',
    ],
  },
  mg: {
    greeting: [
      'Fiarahabana',
      'Manao ahoana {{customer.name}}, {{agent.name}} no miresaka aminao ary izaho no mikarakara ny fangatahanao. Inona no azoko anampiana anao?',
    ],
    order: [
      'Laharan’ny kaomandy',
      'Misaotra {{customer.name}}. Mba hahitana ny kaomandinao, azonao hamafisina ve ny laharany? Manana ny laharana {{order}} aho: io ve?',
    ],
    closing: [
      'Famaranana',
      'Misaotra nifandray taminay {{customer.name}}. Vita ny fangatahanao; aza misalasala manoratra aminay raha mila zavatra hafa. Veloma, {{agent.name}}',
    ],
  },
};

/** Each demo subsidiary's saved replies, in each of its languages. */
export function buildSavedReplies(subsidiaryIds: Map<string, string>, now: Date): NewRow<'saved_replies'>[] {
  return SUBSIDIARIES.flatMap((subsidiary) => {
    const subsidiaryId = subsidiaryIds.get(subsidiary.code);
    if (!subsidiaryId) return [];
    return subsidiary.languages.flatMap((language) => {
      const set = REPLIES[language];
      if (!set) return [];
      return [set.greeting, set.order, set.closing].map(([title, body]) => ({
        id: newId(),
        subsidiary_id: subsidiaryId,
        language,
        title,
        body,
        created_at: now,
        updated_at: now,
      }));
    });
  });
}
