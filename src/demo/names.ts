/**
 * Given and family names for the demo world, common in each country. Moroccan and
 * Egyptian names carry their Arabic spelling beside the Latin one that people use in
 * e-mail addresses and on French-language documents.
 */

/** A name in Latin letters, or in Latin letters and Arabic script. */
export type Name = string | readonly [latin: string, arabic: string];

export interface NamePool {
  given: readonly Name[];
  family: readonly Name[];
}

export type NameCountry = 'FR' | 'MA' | 'RO' | 'SR' | 'SN' | 'MG' | 'EG';

export const latinOf = (name: Name): string => (typeof name === 'string' ? name : name[0]);
export const arabicOf = (name: Name): string | undefined => (typeof name === 'string' ? undefined : name[1]);

// biome-ignore format: compact name lists
const FR: NamePool = {
  given: [
    'Camille', 'Léa', 'Manon', 'Chloé', 'Emma', 'Inès', 'Jade', 'Louise', 'Sarah', 'Julie', 'Pauline', 'Marie',
    'Nathalie', 'Isabelle', 'Sophie', 'Céline', 'Élodie', 'Aurélie', 'Claire', 'Anne', 'Sandrine', 'Valérie',
    'Lucas', 'Hugo', 'Louis', 'Nathan', 'Gabriel', 'Thomas', 'Nicolas', 'Julien', 'Maxime', 'Antoine',
    'Alexandre', 'Pierre', 'Mathieu', 'Olivier', 'Sébastien', 'Philippe', 'Laurent', 'Éric', 'Franck',
    'Jérôme', 'Christophe', 'Karim', 'Yasmine', 'Théo', 'Noémie', 'Margaux',
  ],
  family: [
    'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
    'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier',
    'Morel', 'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez',
    'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Perrin',
    'Morin', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Nguyen', 'Benali',
  ],
};

// biome-ignore format: compact name lists
const MA: NamePool = {
  given: [
    ['Mohammed', 'محمد'], ['Youssef', 'يوسف'], ['Hamza', 'حمزة'], ['Amine', 'أمين'], ['Mehdi', 'مهدي'],
    ['Anas', 'أنس'], ['Ayoub', 'أيوب'], ['Othmane', 'عثمان'], ['Hicham', 'هشام'], ['Rachid', 'رشيد'],
    ['Abdelilah', 'عبد الإله'], ['Said', 'سعيد'], ['Karim', 'كريم'], ['Yassine', 'ياسين'], ['Omar', 'عمر'],
    ['Ilyas', 'إلياس'], ['Soufiane', 'سفيان'], ['Adil', 'عادل'], ['Driss', 'إدريس'], ['Khalid', 'خالد'],
    ['Fatima-Zahra', 'فاطمة الزهراء'], ['Khadija', 'خديجة'], ['Salma', 'سلمى'], ['Imane', 'إيمان'],
    ['Meryem', 'مريم'], ['Hajar', 'هاجر'], ['Sanaa', 'سناء'], ['Nadia', 'نادية'], ['Zineb', 'زينب'],
    ['Houda', 'هدى'], ['Loubna', 'لبنى'], ['Kawtar', 'كوثر'], ['Siham', 'سهام'], ['Aicha', 'عائشة'],
    ['Ghizlane', 'غزلان'], ['Hind', 'هند'], ['Asmae', 'أسماء'], ['Btissam', 'ابتسام'], ['Oumaima', 'أميمة'],
    ['Yasmine', 'ياسمين'],
  ],
  family: [
    ['El Amrani', 'العمراني'], ['Benali', 'بنعلي'], ['Alaoui', 'العلوي'], ['Bennani', 'بناني'], ['Tazi', 'التازي'],
    ['El Idrissi', 'الإدريسي'], ['Berrada', 'برادة'], ['Chraibi', 'الشرايبي'], ['El Fassi', 'الفاسي'],
    ['Benjelloun', 'بنجلون'], ['Lahlou', 'لحلو'], ['Ouazzani', 'الوزاني'], ['Naciri', 'الناصري'],
    ['Bouazza', 'بوعزة'], ['Ait Ouali', 'آيت والي'], ['El Mansouri', 'المنصوري'], ['Zerouali', 'الزروالي'],
    ['Sqalli', 'السقلي'], ['Kettani', 'الكتاني'], ['Filali', 'الفيلالي'], ['Haddad', 'الحداد'], ['Ziani', 'الزياني'],
    ['Moussaoui', 'الموساوي'], ['Boukhari', 'البخاري'], ['Cherkaoui', 'الشرقاوي'], ['Hajji', 'الحجي'],
    ['Raji', 'الراجي'], ['Tahiri', 'الطاهري'], ['Belhaj', 'بلحاج'], ['Lamrani', 'لمراني'], ['Sabri', 'صبري'],
    ['El Khatib', 'الخطيب'], ['Ouardi', 'الوردي'], ['Bakkali', 'البقالي'], ['Skalli', 'السكالي'],
  ],
};

// biome-ignore format: compact name lists
const RO: NamePool = {
  given: [
    'Andrei', 'Alexandru', 'Mihai', 'Ionuț', 'Cristian', 'Bogdan', 'Florin', 'Gabriel', 'Adrian', 'Răzvan',
    'Vlad', 'Ștefan', 'Radu', 'Marius', 'Cosmin', 'Ioana', 'Maria', 'Elena', 'Andreea', 'Alexandra',
    'Cristina', 'Mihaela', 'Diana', 'Raluca', 'Roxana', 'Bianca', 'Oana', 'Ana', 'Gabriela', 'Simona',
  ],
  family: [
    'Popescu', 'Ionescu', 'Popa', 'Dumitru', 'Stan', 'Stoica', 'Gheorghe', 'Rusu', 'Munteanu', 'Matei',
    'Constantin', 'Marin', 'Șerban', 'Tudor', 'Dinu', 'Lungu', 'Ene', 'Cristea', 'Moldovan', 'Barbu',
    'Nistor', 'Florea', 'Dobre', 'Toma', 'Mocanu', 'Neagu', 'Preda', 'Ursu', 'Vasile', 'Georgescu',
  ],
};

// Suriname: Creole, Hindustani, Javanese, Chinese and Dutch names side by side.
// biome-ignore format: compact name lists
const SR: NamePool = {
  given: [
    'Kevin', 'Jerrel', 'Romano', 'Sharon', 'Priya', 'Anjali', 'Ravi', 'Sunil', 'Radjesh', 'Shanti', 'Sandra',
    'Xaviera', 'Naomi', 'Gerold', 'Marciano', 'Djoko', 'Sri', 'Wulan', 'Dewi', 'Melissa', 'Stephanie', 'Ryan',
    'Jennifer', 'Clyde', 'Gowtam', 'Reshma', 'Anand', 'Sapna', 'Iwan', 'Ingrid',
  ],
  family: [
    'Pinas', 'Sedney', 'Kromodimedjo', 'Ramdin', 'Mohan', 'Biharie', 'Soekhlal', 'Sitaram', 'Amatstam',
    'Wongsodikromo', 'Tjon A Fong', 'Ramautar', 'Karijodrono', 'Linger', 'Kartodikromo', 'Jadnanansing',
    'Doekhie', 'Fraser', 'Vaseur', 'Breinburg', 'Mangroelal', 'Sabajo', 'Pawirodimedjo', 'Lie A Kwie',
    'Brunings', 'Fernandes', 'Kensmil', 'Oostburg', 'Ritfeld', 'Nahar',
  ],
};

// biome-ignore format: compact name lists
const SN: NamePool = {
  given: [
    'Mamadou', 'Moussa', 'Ibrahima', 'Cheikh', 'Abdoulaye', 'Ousmane', 'Modou', 'Babacar', 'Alioune', 'Pape',
    'Serigne', 'Samba', 'Demba', 'Souleymane', 'Amadou', 'Aliou', 'Malick', 'Lamine', 'Fatou', 'Aminata', 'Awa',
    'Mariama', 'Khady', 'Ndeye', 'Astou', 'Coumba', 'Aïssatou', 'Sokhna', 'Bineta', 'Rokhaya', 'Dieynaba',
    'Adama', 'Ramatoulaye', 'Marème', 'Seynabou', 'Yacine',
  ],
  family: [
    'Diop', 'Ndiaye', 'Fall', 'Sow', 'Diallo', 'Gueye', 'Faye', 'Ba', 'Sarr', 'Mbaye', 'Cissé', 'Diouf', 'Seck',
    'Niang', 'Thiam', 'Ndour', 'Sy', 'Camara', 'Kane', 'Wade', 'Dieng', 'Sène', 'Touré', 'Mbengue', 'Diagne',
    'Sall', 'Lo', 'Ka', 'Dia', 'Badji', 'Sagna', 'Mendy', 'Coly', 'Ndao',
  ],
};

// biome-ignore format: compact name lists
const MG: NamePool = {
  given: [
    'Hery', 'Tiana', 'Fanja', 'Mamy', 'Haingo', 'Lalao', 'Miora', 'Tahina', 'Fenosoa', 'Nirina', 'Andry', 'Rivo',
    'Tojo', 'Fidy', 'Njaka', 'Hasina', 'Faly', 'Toky', 'Mialy', 'Voahangy', 'Holy', 'Soa', 'Vola', 'Zo', 'Rija',
    'Lova', 'Sitraka', 'Mahery', 'Onja', 'Hanitra', 'Volana', 'Aina', 'Harena', 'Finaritra', 'Kanto',
  ],
  family: [
    'Rakotomalala', 'Rakotondrabe', 'Randriamampionona', 'Rasoanaivo', 'Rabearivelo', 'Andrianarisoa',
    'Razafindrakoto', 'Rakotoarisoa', 'Randrianasolo', 'Razafimahatratra', 'Rasolofoniaina', 'Rakotovao',
    'Ravelojaona', 'Andriamanantena', 'Rabemananjara', 'Ramanantsoa', 'Razanakoto', 'Rakotonirina',
    'Rasoamanarivo', 'Ratsimbazafy', 'Andrianjafy', 'Rafanomezantsoa', 'Razafindrabe', 'Randrianarivelo',
    'Rajaonarison', 'Ramaroson', 'Rakotozafy', 'Rabenandrasana', 'Ralaivao', 'Rasamoely',
  ],
};

// biome-ignore format: compact name lists
const EG: NamePool = {
  given: [
    ['Mohamed', 'محمد'], ['Ahmed', 'أحمد'], ['Mahmoud', 'محمود'], ['Mostafa', 'مصطفى'], ['Omar', 'عمر'],
    ['Youssef', 'يوسف'], ['Karim', 'كريم'], ['Hassan', 'حسن'], ['Amr', 'عمرو'], ['Tarek', 'طارق'],
    ['Sherif', 'شريف'], ['Khaled', 'خالد'], ['Ibrahim', 'إبراهيم'], ['Ali', 'علي'], ['Hany', 'هاني'],
    ['Walid', 'وليد'], ['Ramy', 'رامي'], ['Islam', 'إسلام'], ['Mina', 'مينا'], ['Bishoy', 'بيشوي'],
    ['Fatma', 'فاطمة'], ['Mariam', 'مريم'], ['Nour', 'نور'], ['Aya', 'آية'], ['Salma', 'سلمى'],
    ['Yasmin', 'ياسمين'], ['Heba', 'هبة'], ['Doaa', 'دعاء'], ['Rania', 'رانيا'], ['Dina', 'دينا'], ['Mona', 'منى'],
    ['Shaimaa', 'شيماء'], ['Amira', 'أميرة'], ['Nada', 'ندى'], ['Marwa', 'مروة'], ['Reem', 'ريم'],
    ['Habiba', 'حبيبة'], ['Eman', 'إيمان'], ['Sara', 'سارة'], ['Nesma', 'نسمة'],
  ],
  family: [
    ['El-Sayed', 'السيد'], ['Hassan', 'حسن'], ['Mahmoud', 'محمود'], ['Abdel-Rahman', 'عبد الرحمن'],
    ['Mostafa', 'مصطفى'], ['Ibrahim', 'إبراهيم'], ['Ali', 'علي'], ['Saleh', 'صالح'], ['Farouk', 'فاروق'],
    ['Ramadan', 'رمضان'], ['Fathy', 'فتحي'], ['Gamal', 'جمال'], ['Abdallah', 'عبد الله'], ['Shehata', 'شحاتة'],
    ['Soliman', 'سليمان'], ['Hegazy', 'حجازي'], ['Mansour', 'منصور'], ['Naguib', 'نجيب'], ['Girgis', 'جرجس'],
    ['Fawzy', 'فوزي'], ['El-Masry', 'المصري'], ['Zaki', 'زكي'], ['Helmy', 'حلمي'], ['Khalil', 'خليل'],
    ['Abdel-Aziz', 'عبد العزيز'], ['Nasser', 'ناصر'], ['Samir', 'سمير'], ['Tawfik', 'توفيق'], ['Badawi', 'بدوي'],
    ['Sabry', 'صبري'], ['Hamdy', 'حمدي'], ['Rizk', 'رزق'], ['Attia', 'عطية'], ['Salah', 'صلاح'],
  ],
};

export const NAMES: Record<NameCountry, NamePool> = { FR, MA, RO, SR, SN, MG, EG };

/** Lower-case ASCII for e-mail addresses: accents dropped, spaces and hyphens removed. */
export function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}
