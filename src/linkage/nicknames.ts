// English given names and the short forms people use for them. A line is a formal name and
// its nicknames; a nickname may belong to several formal names (Alex: Alexander, Alexandra),
// and two first names are treated as the same name when they share a formal name.
const TABLE = `
abigail: abby abbie abi gail
abraham: abe bram
adam: ad
adrian: ade
agnes: aggie nessa
albert: al bert bertie
alexander: alex alec alexa sandy sandie xander zander lex alistair alasdair sasha
alexandra: alex alexa lexi lexie sandra sandy sasha zandra
alfred: alf alfie fred freddie
alice: ally allie alicia
amanda: mandy manda
andrew: andy drew
angela: angie
ann: annie nan nancy anne anna
anthony: tony ant antony
archibald: archie
arthur: art artie
barbara: barb babs barbie
benjamin: ben benny benji
bernard: bernie barney
beatrice: bea bee trixie beattie
bridget: biddy bridie brid
caroline: carol carrie caro carolyn
catherine: cathy cath kate katie kathy kay kitty cate kat katherine kathryn katharine
charles: charlie chas chuck chaz
charlotte: lottie charlie lotte
christina: chris chrissie tina christine kristina
christopher: chris kit topher kris
clifford: cliff
cornelius: neil
cynthia: cindy
daniel: dan danny
david: dave davy davie
deborah: debbie deb debra
dennis: den denny
diana: di diane
donald: don donnie
dorothy: dot dotty dottie dora
douglas: doug dougie
edmund: ed eddie ted ned
edward: ed eddie ted teddy ned ward
eleanor: ellie nell nellie elle ella nora
elizabeth: liz lizzie beth betty bess bessie eliza libby lisa elsie betsy lilibet
emily: em emmy millie
emma: em emmie
eugene: gene
evelyn: eve evie
florence: flo florrie floss
frances: fran fanny frankie
francis: frank frankie fran
frederick: fred freddie freddy fritz
gabriel: gabe
gabrielle: gabby gabi
geoffrey: geoff jeff
george: georgie geordie
gerald: gerry jerry ged
geraldine: gerry geri
gertrude: gertie trudy
gillian: gill jill gilly
gregory: greg
harold: harry hal
harriet: hattie harriet
helen: nell nellie ellen
henry: harry hal hank
herbert: herb bert
isabel: izzy bella isabella isobel belle
jacob: jake jack
james: jim jimmy jamie jem
jane: jenny janey
janet: jan jenny
jennifer: jen jenny jenna
jeremy: jez jerry
jessica: jess jessie
joan: joanie
john: jack johnny jon jonny ian
jonathan: jon jonny nathan
joseph: joe joey jos
josephine: jo josie
joshua: josh
judith: judy jude
julia: jules julie
katherine: kate katie kathy kath kat
kenneth: ken kenny
lawrence: larry laurie lol laurence
leonard: len lenny leo
lesley: les
leslie: les
lucy: lu lucie
malcolm: mal
margaret: maggie meg peggy peg marge madge greta rita daisy mags maisie
marjorie: marge margie
martin: marty
mary: molly polly mae mamie maria marie may
matilda: tilly tilda mattie
matthew: matt matty
maureen: mo
michael: mike mick mickey micky mikey
nathaniel: nat nathan nate
nicholas: nick nicky nico
nicola: nicky nikki
oliver: ollie olly
pamela: pam
patricia: pat patty trish tricia patsy
patrick: pat paddy
peter: pete
philip: phil pip phillip
rebecca: becky becca bex
reginald: reg reggie
richard: dick rick ricky rich richie
robert: bob bobby rob robbie bert
ronald: ron ronnie
rosemary: rose rosie
samantha: sam sammy
samuel: sam sammy
sarah: sally sadie sara
sophia: sophie
stephen: steve stevie steven
stuart: stu stewart
susan: sue susie suzy suzanne
teresa: terri tess tessa theresa
terence: terry
theodore: theo ted teddy
thomas: tom tommy
timothy: tim timmy
valerie: val
victoria: vicky vicki tori
vincent: vince vinny
walter: wally walt
william: bill billy will willie willy liam
winifred: winnie freda
zachary: zach zack
`;

/** nickname or formal name -> the formal names it stands for (a formal name stands for itself) */
export const formalNames: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  const add = (name: string, formal: string) => {
    const list = map.get(name);
    if (!list) map.set(name, [formal]);
    else if (!list.includes(formal)) list.push(formal);
  };
  for (const line of TABLE.trim().split('\n')) {
    const [formal, rest] = line.split(':') as [string, string | undefined];
    add(formal, formal);
    for (const nickname of (rest ?? '').trim().split(/\s+/)) if (nickname) add(nickname, formal);
  }
  return map;
})();

/** The formal names a normalised first name stands for; a name not in the table stands for itself. */
export function formalNamesOf(name: string): readonly string[] {
  return formalNames.get(name) ?? [name];
}
