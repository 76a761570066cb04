/**
 * Short message texts for demo conversations, in the languages that the demo customers
 * speak. `{given}` is the customer's given name, `{agent}` the agent's.
 */

export const TOPICS = ['billing', 'fibre', 'mobile', 'roaming', 'retention', 'sales', 'complaints'] as const;
export type Topic = (typeof TOPICS)[number];

export type TextLanguage = 'fr' | 'ar' | 'en' | 'wo' | 'mg';

export interface LanguageTexts {
  /** Subject and the customer's first message, per topic. */
  topics: Record<Topic, readonly [subject: string, opening: string]>;
  agentReplies: readonly string[];
  customerFollowUps: readonly string[];
  agentClosings: readonly string[];
  /** Labels of a voice call's summary: inbound, outbound. */
  call: readonly [inbound: string, outbound: string];
}

export const TEXTS: Record<TextLanguage, LanguageTexts> = {
  fr: {
    topics: {
      billing: [
        'Facture du mois trop élevée',
        'Bonjour, ma facture de ce mois est de 89 € au lieu de 39 € d’habitude. Pouvez-vous vérifier ?',
      ],
      fibre: [
        'Plus d’internet depuis ce matin',
        'Bonjour, ma box fibre clignote en rouge depuis ce matin et je n’ai plus internet. Je l’ai déjà redémarrée deux fois.',
      ],
      mobile: [
        'Pas de réseau à mon domicile',
        'Bonjour, je n’ai presque plus de réseau mobile chez moi depuis une semaine, les appels coupent sans arrêt.',
      ],
      roaming: [
        'Forfait à l’étranger',
        'Bonjour, je pars au Maroc la semaine prochaine. Mon forfait fonctionne-t-il là-bas et à quel prix ?',
      ],
      retention: [
        'Demande de résiliation',
        'Bonjour, je souhaite résilier mon abonnement, j’ai trouvé moins cher ailleurs.',
      ],
      sales: [
        'Changer d’offre',
        'Bonjour, je voudrais passer à la fibre et ajouter une ligne mobile pour ma fille. Quelles offres avez-vous ?',
      ],
      complaints: [
        'Réclamation : technicien absent',
        'Bonjour, le technicien devait venir hier entre 8 h et 12 h et personne n’est venu. C’est la deuxième fois.',
      ],
    },
    agentReplies: [
      'Bonjour {given}, merci pour votre message. Je regarde votre dossier tout de suite. {agent}',
      'Bonjour {given}, je suis désolé pour ce désagrément. Pouvez-vous me confirmer votre adresse et le numéro de votre ligne ? {agent}',
      'Bonjour {given}, j’ai vérifié : je lance la correction et vous recevrez une confirmation par SMS. {agent}',
    ],
    customerFollowUps: [
      'Merci, voici mon adresse : 12 rue des Lilas.',
      'D’accord, j’attends votre retour.',
      'C’est toujours pareil, rien n’a changé.',
      'Merci, ça fonctionne maintenant !',
    ],
    agentClosings: [
      'Parfait, je clôture la demande. Bonne journée {given} ! {agent}',
      'C’est corrigé de notre côté. N’hésitez pas à revenir vers nous si besoin. {agent}',
    ],
    call: ['Appel entrant', 'Appel sortant'],
  },
  ar: {
    topics: {
      billing: [
        'فاتورة هذا الشهر مرتفعة',
        'السلام عليكم، فاتورتي هذا الشهر أعلى بكثير من المعتاد. هل يمكنكم التحقق من ذلك؟',
      ],
      fibre: [
        'انقطاع الإنترنت منذ الصباح',
        'مرحبا، الإنترنت مقطوع عندي منذ الصباح والراوتر يضيء باللون الأحمر. أعدت تشغيله مرتين دون فائدة.',
      ],
      mobile: [
        'ضعف الشبكة في المنزل',
        'مرحبا، الشبكة ضعيفة جدا في بيتي منذ أسبوع والمكالمات تنقطع باستمرار.',
      ],
      roaming: [
        'التجوال الدولي',
        'السلام عليكم، سأسافر إلى فرنسا الأسبوع القادم. هل تعمل باقتي هناك وكم التكلفة؟',
      ],
      retention: ['طلب إلغاء الاشتراك', 'مرحبا، أريد إلغاء اشتراكي لأنني وجدت عرضا أرخص.'],
      sales: [
        'تغيير الباقة',
        'مرحبا، أريد الانتقال إلى الألياف البصرية وإضافة خط لابنتي. ما هي العروض المتاحة؟',
      ],
      complaints: [
        'شكوى: الفني لم يحضر',
        'مرحبا، كان من المفترض أن يأتي الفني أمس صباحا ولم يحضر أحد. هذه هي المرة الثانية.',
      ],
    },
    agentReplies: [
      'مرحبا {given}، شكرا لتواصلك معنا. سأراجع ملفك الآن. {agent}',
      'مرحبا {given}، نعتذر عن هذا الإزعاج. هل يمكنك تأكيد عنوانك ورقم الخط؟ {agent}',
      'مرحبا {given}، تحققت من الأمر وسأقوم بالتصحيح الآن، وستصلك رسالة تأكيد. {agent}',
    ],
    customerFollowUps: [
      'شكرا، العنوان هو 12 شارع النخيل.',
      'حسنا، سأنتظر ردكم.',
      'المشكلة ما زالت كما هي، لم يتغير شيء.',
      'شكرا، كل شيء يعمل الآن!',
    ],
    agentClosings: [
      'ممتاز، سأغلق الطلب الآن. يوما سعيدا {given}! {agent}',
      'تم التصحيح من جهتنا. لا تتردد في التواصل معنا عند الحاجة. {agent}',
    ],
    call: ['مكالمة واردة', 'مكالمة صادرة'],
  },
  en: {
    topics: {
      billing: [
        'Bill higher than usual',
        'Hello, my bill this month is much higher than usual. Could you check it please?',
      ],
      fibre: [
        'No internet since this morning',
        'Hi, my fibre router has been blinking red since this morning and I have no internet. I already restarted it twice.',
      ],
      mobile: [
        'No signal at home',
        'Hello, I have had almost no mobile signal at home for a week and my calls keep dropping.',
      ],
      roaming: [
        'Using my plan abroad',
        'Hi, I am travelling to France next week. Will my plan work there and how much will it cost?',
      ],
      retention: [
        'I want to cancel',
        'Hello, I would like to cancel my subscription, I found a cheaper offer elsewhere.',
      ],
      sales: [
        'Upgrade my plan',
        'Hi, I would like to switch to fibre and add a line for my daughter. What offers do you have?',
      ],
      complaints: [
        'Complaint: technician did not come',
        'Hello, the technician was supposed to come yesterday morning and nobody showed up. This is the second time.',
      ],
    },
    agentReplies: [
      'Hello {given}, thank you for your message. I am looking at your account now. {agent}',
      'Hello {given}, sorry for the trouble. Could you confirm your address and your line number? {agent}',
      'Hello {given}, I have checked: I am applying the fix now and you will get a confirmation by SMS. {agent}',
    ],
    customerFollowUps: [
      'Thanks, my address is 12 Nile Street.',
      'OK, I will wait for your reply.',
      'It is still the same, nothing has changed.',
      'Thank you, it works now!',
    ],
    agentClosings: [
      'Great, I am closing this request. Have a nice day, {given}! {agent}',
      'It is fixed on our side. Do not hesitate to contact us again if needed. {agent}',
    ],
    call: ['Inbound call', 'Outbound call'],
  },
  wo: {
    topics: {
      billing: [
        'Sama facture bi dafa bari',
        'Salaam aleekum, sama facture bu weer wii dafa bari lool. Ndax mën ngeen ko seetaat ?',
      ],
      fibre: [
        'Internet bi du dox',
        'Salaam aleekum, sama internet du dox li dale ci suba ba leegi. Fay naa box bi te taal ko ñaari yoon.',
      ],
      mobile: [
        'Réseau bi du dox ci kër gi',
        'Salaam aleekum, réseau bi baaxul ci sama kër li dale ci ayu-bés bi weesu, appel yi dañuy dog.',
      ],
      roaming: [
        'Roaming',
        'Salaam aleekum, dinaa dem Farãs ayu-bés bi ñëw. Ndax sama forfait dina dox foofu, ñaata lay jar ?',
      ],
      retention: [
        'Bëgg naa dindi sama abonnement',
        'Salaam aleekum, bëgg naa dindi sama abonnement, gis naa fenn fu gën a yomb.',
      ],
      sales: [
        'Offre bu bees',
        'Salaam aleekum, bëgg naa jël fibre ak benn ligne ngir sama doom ju jigéen. Ban offre ngeen am ?',
      ],
      complaints: [
        'Technicien bi ñëwul',
        'Salaam aleekum, technicien bi waroon na ñëw démb ci suba, kenn ñëwul. Ñaareelu yoon la.',
      ],
    },
    agentReplies: [
      'Salaam aleekum {given}, jërëjëf ci sa bataaxal. Maa ngi seet sa dossier. {agent}',
      '{given}, baal nu ci jafe-jafe bi. Ndax mën nga ma wax sa adrees ak sa nimero ? {agent}',
      '{given}, seet naa ko : dinaa ko defar leegi, dinga jot benn SMS. {agent}',
    ],
    customerFollowUps: [
      'Jërëjëf, sama adrees mooy Sicap Liberté 4.',
      'Waaw, dinaa xaar.',
      'Mu ngi mel ni mu meloon, dara soppikuwul.',
      'Jërëjëf, leegi mu ngi dox !',
    ],
    agentClosings: [
      'Baax na, dinaa tëj laaj bi. Jàmm ak salaam {given} ! {agent}',
      'Defar nanu ko. Bu amee leneen, nangeen nu woo. {agent}',
    ],
    call: ['Appel entrant', 'Appel sortant'],
  },
  mg: {
    topics: {
      billing: [
        'Lafo loatra ny faktiora',
        'Manao ahoana, lafo loatra ny faktioran’ity volana ity raha oharina amin’ny mahazatra. Azonareo jerena ve azafady ?',
      ],
      fibre: [
        'Tsy misy internet hatramin’ny maraina',
        'Manao ahoana, tsy mandeha ny internet-ko hatramin’ny maraina ary mena ny jiro amin’ny box. Efa naverina natomboka indroa.',
      ],
      mobile: [
        'Tsy misy tambazotra ao an-trano',
        'Manao ahoana, efa herinandro izao no tsy misy tambazotra ao an-trano ary tapaka foana ny antso.',
      ],
      roaming: [
        'Forfait any ivelany',
        'Manao ahoana, handeha ho any Frantsa aho amin’ny herinandro ambony. Mandeha any ve ny forfait-ko ary ohatrinona ?',
      ],
      retention: [
        'Hanafoana ny abonnement',
        'Manao ahoana, te hanafoana ny abonnement-ko aho satria nahita tolotra mora kokoa.',
      ],
      sales: [
        'Tolotra vaovao',
        'Manao ahoana, te hampiasa fibre aho ary hanampy laharana iray ho an’ny zanako vavy. Inona avy ny tolotra misy ?',
      ],
      complaints: [
        'Fitarainana : tsy tonga ny teknisianina',
        'Manao ahoana, tokony ho tonga omaly maraina ny teknisianina nefa tsy nisy olona tonga. Fanindroany izao.',
      ],
    },
    agentReplies: [
      'Manao ahoana {given}, misaotra tamin’ny hafatrao. Hojereko izao ny antontan-taratasinao. {agent}',
      'Manao ahoana {given}, miala tsiny amin’ny olana. Azonao hamafisina ve ny adiresinao sy ny laharanao ? {agent}',
      'Manao ahoana {given}, efa nojereko : hamboariko izao ary hahazo SMS fanamafisana ianao. {agent}',
    ],
    customerFollowUps: [
      'Misaotra, ny adiresiko dia Lot II J 45 Analakely.',
      'Eny, hiandry aho.',
      'Mbola toy izany ihany, tsy nisy niova.',
      'Misaotra betsaka, mandeha tsara izao !',
    ],
    agentClosings: [
      'Tsara, hakatoko ny fangatahana. Mirary andro mahafinaritra {given} ! {agent}',
      'Voavaha izany. Aza misalasala miverina aminay raha ilaina. {agent}',
    ],
    call: ['Antso niditra', 'Antso nivoaka'],
  },
};

/** The texts for a language tag, by its primary subtag; English when we have none. */
export function textsFor(language: string): LanguageTexts {
  const primary = language.split('-')[0] ?? language;
  return primary in TEXTS ? TEXTS[primary as TextLanguage] : TEXTS.en;
}

export const fill = (template: string, values: { given: string; agent: string }): string =>
  template.replaceAll('{given}', values.given).replaceAll('{agent}', values.agent);
