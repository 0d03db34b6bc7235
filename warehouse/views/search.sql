-- search_ranked: the BM25 ranking behind `newsflow search` (docs/search.md), over the tables of
-- migration 0010. Its arguments are the analysed query, as `newsflow search --show-sql` prints it:
--   terms  STRUCT(clause, alt, pos, term_id, negated)[]  every term a query word may stand for
--                                                        (one per language it occurs in)
--   stops  STRUCT(clause, alt, pos, language)[]          query words that are stop words in a language:
--                                                        satisfied by any article in that language
--   alts   STRUCT(clause, alt, n_tokens, pattern, negated)[]  each word or phrase; pattern is a
--                                                        phrase's words, casefolded, one space apart
-- An article matches when, for every clause that is not negated (at most 63, numbered 0..62), one
-- of its alternatives has all its words (and its phrase pattern), and no negated alternative does. Score: BM25 (k1 1.2,
-- b 0.75) summed over the matched terms, with N and df counted from the index; a word's df
-- counts its articles in every language.
-- search_ranked_in(terms, stops, alts, docs, dfs) is the same restricted to the articles whose
-- doc_id is in the list `docs` (NULL: every article); `dfs` STRUCT(term_id, n)[] gives each query
-- term's document frequency over the whole index (required with `docs`). `newsflow search` ranks
-- only the candidates its top-k bound leaves (docs/search.md, "Speed"). search_ranked_words and
-- search_ranked_words_in are the same for a query with no phrase, cheaper to plan ("Analyst 49").

-- The apostrophes are spelled out here alone: search_apostrophe_kinds() (search_apostrophes.APOSTROPHES) and
-- search_modifier_apostrophes() (MODIFIER_APOSTROPHES) are class bodies, search_apostrophe_mark() the class of
-- both and search_apostrophe_unmarked() the class of those that write no sound (APOSTROPHES and `ʼ`: not the
-- letter marks, LETTER_MARKS). Each regex names them (a constant to the binder, compiled as before: "Analyst 44").
CREATE OR REPLACE MACRO search_apostrophe_kinds() AS
'''\x{2019}\x{2018}\x{00b4}\x{ff07}`';

CREATE OR REPLACE MACRO search_modifier_apostrophes() AS
'\x{02b9}\x{02bb}-\x{02bf}';

CREATE OR REPLACE MACRO search_apostrophe_mark() AS
'[' || search_apostrophe_kinds() || search_modifier_apostrophes() || ']';

CREATE OR REPLACE MACRO search_apostrophe_unmarked() AS
'[' || search_apostrophe_kinds() || '\x{02bc}]';

-- search_fold(s): Python's str.casefold, which the index's tokens use (newsflow.search_text.search_tokens),
-- for every character: lower() where that is the same (one regex pass finds the texts where it is
-- not), else lower(), a 1:1 translate and the 1:n folds (ß -> ss, ligatures, Greek iota subscripts)
-- (search_fold_all: each fold a string, its character then what it folds to, applied in order by
-- list_reduce; the 75 nested replace() calls it replaces made every search plan ~25% slower and
-- folded a text ~1.8x slower). Generated from Python's tables;
-- tests/test_search_hostile.py checks it against casefold on every code point.
CREATE OR REPLACE MACRO search_fold_all(s) AS
list_reduce(['ßss', 'ŉʼn', 'ǰǰ', 'ΐΐ', 'ΰΰ', 'ևեւ', 'ẖẖ', 'ẗẗ', 'ẘẘ', 'ẙẙ', 'ẚaʾ', 'ὐὐ', 'ὒὒ', 'ὔὔ', 'ὖὖ', 'ᾀἀι', 'ᾁἁι', 'ᾂἂι', 'ᾃἃι', 'ᾄἄι', 'ᾅἅι', 'ᾆἆι', 'ᾇἇι', 'ᾐἠι', 'ᾑἡι', 'ᾒἢι', 'ᾓἣι', 'ᾔἤι', 'ᾕἥι', 'ᾖἦι', 'ᾗἧι', 'ᾠὠι', 'ᾡὡι', 'ᾢὢι', 'ᾣὣι', 'ᾤὤι', 'ᾥὥι', 'ᾦὦι', 'ᾧὧι', 'ᾲὰι', 'ᾳαι', 'ᾴάι', 'ᾶᾶ', 'ᾷᾶι', 'ῂὴι', 'ῃηι', 'ῄήι', 'ῆῆ', 'ῇῆι', 'ῒῒ', 'ΐΐ', 'ῖῖ', 'ῗῗ', 'ῢῢ', 'ΰΰ', 'ῤῤ', 'ῦῦ', 'ῧῧ', 'ῲὼι', 'ῳωι', 'ῴώι', 'ῶῶ', 'ῷῶι', 'ﬀff', 'ﬁfi', 'ﬂfl', 'ﬃffi', 'ﬄffl', 'ﬅst', 'ﬆst', 'ﬓմն', 'ﬔմե', 'ﬕմի', 'ﬖվն', 'ﬗմխ'],
            lambda folded, fold: replace(folded, substring(fold, 1, 1), substring(fold, 2)),
            translate(lower(replace(s, 'İ', 'i̇')), 'µſͅςϐϑϕϖϰϱϵꭰꭱꭲꭳꭴꭵꭶꭷꭸꭹꭺꭻꭼꭽꭾꭿꮀꮁꮂꮃꮄꮅꮆꮇꮈꮉꮊꮋꮌꮍꮎꮏꮐꮑꮒꮓꮔꮕꮖꮗꮘꮙꮚꮛꮜꮝꮞꮟꮠꮡꮢꮣꮤꮥꮦꮧꮨꮩꮪꮫꮬꮭꮮꮯꮰꮱꮲꮳꮴꮵꮶꮷꮸꮹꮺꮻꮼꮽꮾꮿᏸᏹᏺᏻᏼᏽᲀᲁᲂᲃᲄᲅᲆᲇᲈẛι', 'μsισβθφπκρεᎠᎡᎢᎣᎤᎥᎦᎧᎨᎩᎪᎫᎬᎭᎮᎯᎰᎱᎲᎳᎴᎵᎶᎷᎸᎹᎺᎻᎼᎽᎾᎿᏀᏁᏂᏃᏄᏅᏆᏇᏈᏉᏊᏋᏌᏍᏎᏏᏐᏑᏒᏓᏔᏕᏖᏗᏘᏙᏚᏛᏜᏝᏞᏟᏠᏡᏢᏣᏤᏥᏦᏧᏨᏩᏪᏫᏬᏭᏮᏯᏰᏱᏲᏳᏴᏵвдосттъѣꙋṡι'));

-- search_fold, search_unvaried, search_units_apart and search_numbers_joined name their argument once, as
-- the lambda's `t` of list_transform([s], ...)[1]: a macro's argument is its whole expression, written out
-- at every place the body names it, so the phrase text's nested macros (each naming its argument 2-3 times)
-- wrote NFC of the text out dozens of times: a search plan took ~1.5x as long to bind.
CREATE OR REPLACE MACRO search_fold(s) AS
list_transform([s], lambda t: CASE WHEN regexp_matches(t, '[µßİŉſǰͅΐΰςϐϑϕϖϰϱϵևᎠᎡᎢᎣᎤᎥᎦᎧᎨᎩᎪᎫᎬᎭᎮᎯᎰᎱᎲᎳᎴᎵᎶᎷᎸᎹᎺᎻᎼᎽᎾᎿᏀᏁᏂᏃᏄᏅᏆᏇᏈᏉᏊᏋᏌᏍᏎᏏᏐᏑᏒᏓᏔᏕᏖᏗᏘᏙᏚᏛᏜᏝᏞᏟᏠᏡᏢᏣᏤᏥᏦᏧᏨᏩᏪᏫᏬᏭᏮᏯᏰᏱᏲᏳᏴᏵᏸᏹᏺᏻᏼᏽᲀᲁᲂᲃᲄᲅᲆᲇᲈẖẗẘẙẚẛẞὐὒὔὖᾀᾁᾂᾃᾄᾅᾆᾇᾈᾉᾊᾋᾌᾍᾎᾏᾐᾑᾒᾓᾔᾕᾖᾗᾘᾙᾚᾛᾜᾝᾞᾟᾠᾡᾢᾣᾤᾥᾦᾧᾨᾩᾪᾫᾬᾭᾮᾯᾲᾳᾴᾶᾷᾼιῂῃῄῆῇῌῒΐῖῗῢΰῤῦῧῲῳῴῶῷῼꭰꭱꭲꭳꭴꭵꭶꭷꭸꭹꭺꭻꭼꭽꭾꭿꮀꮁꮂꮃꮄꮅꮆꮇꮈꮉꮊꮋꮌꮍꮎꮏꮐꮑꮒꮓꮔꮕꮖꮗꮘꮙꮚꮛꮜꮝꮞꮟꮠꮡꮢꮣꮤꮥꮦꮧꮨꮩꮪꮫꮬꮭꮮꮯꮰꮱꮲꮳꮴꮵꮶꮷꮸꮹꮺꮻꮼꮽꮾꮿﬀﬁﬂﬃﬄﬅﬆﬓﬔﬕﬖﬗ]') THEN search_fold_all(t) ELSE lower(t) END)[1];

-- search_phrase_body(s, numbers := true): the text a phrase is looked for in: NFC (a NUL, which nfc_normalize ends
-- the text at, made a space first: it is no word character either), casefolded, the optional marks
-- folded away and the letters writers use for one another made one (search_unmarked), numbers
-- written in groups joined unless `numbers` is false (search_numbers_joined), each CJK
-- character set apart (the ranges of newsflow.text), then each unit of a script written without
-- spaces (a letter, digit or mark of Thai, Lao, Myanmar, Khmer or the Tai scripts, with the marks
-- after it: search_unit(), newsflow.search_text.UNSPACED), and every run of characters other than
-- letters, digits, marks and `_` made one space; so its words are
-- newsflow.search_text.search_tokens(s), one space apart, between spaces.
-- search_unvaried(s): newsflow.search_text.LETTER_VARIANTS, each character of the first string made the one
-- at its place in the second; only in the texts that hold one (translate reads every character: most
-- texts are spared it). The modifier letters written as apostrophes (`ʼ` U+02BC, the ʻokina U+02BB, `ʾ` `ʿ` `ʽ` `ʹ`:
-- search_apostrophes.MODIFIER_APOSTROPHES) are `'`, no letter: `Hawaiʻi` is ` hawai i ` ("Analyst 42").
-- A full-width dash, slash and colon are `-` `/` `:` (`５－１` is `5-1` to the separated phrase text).
-- Casefolding `ΐ` `ΰ` gives iota and upsilon with two marks, dialytika and tonos: they go with them
-- (search_text._GREEK_TWO_MARKS).
CREATE OR REPLACE MACRO search_unvaried(s) AS
list_transform([s], lambda t: CASE WHEN regexp_matches(t, '[ıیىکأإآٱۀάέήίόύώϊϋ\x{0308}\x{ff10}-\x{ff19}\x{ff21}-\x{ff3a}\x{ff41}-\x{ff5a}' || search_modifier_apostrophes() || '\x{ff0d}\x{ff0f}\x{ff1a}]')
     THEN translate(replace(replace(t, chr(953) || chr(776) || chr(769), chr(953)), chr(965) || chr(776) || chr(769), chr(965)), 'ıیىکأإآٱۀάέήίόύώϊϋ０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚʹʻʼʽʾʿ－／：',
                    'iييكااااهαεηιουωιυ0123456789abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz''''''''''''-/:') ELSE t END)[1];

CREATE OR REPLACE MACRO search_unmarked(s) AS
search_unvaried(regexp_replace(s, '[\x{180b}-\x{180d}\x{180f}\x{fe00}-\x{fe0f}\x{0307}\x{0640}\x{064b}-\x{065f}\x{0670}\x{0591}-\x{05bd}\x{05bf}\x{05c1}\x{05c2}\x{05c4}\x{05c5}\x{05c7}]',
                               '', 'g'));

-- search_numbers_joined(s): newsflow.search_text.numbers_joined: a number written with its digits in
-- groups (`1,000`, `1.000`, `1'000`, Indian `1,00,000`)
-- is written without them (`1000`); decimals (`3.5`, `3,5`) and dates (`12.05.2026`) are left as they
-- are. search_number_groups() is search_text.NUMBER_GROUPS, with the character after the number (RE2
-- has no look-ahead) and, as the other alternative, a run of digits that starts no such number (so that
-- none starts inside it). The text is cut at every match; each match loses its separators, its last
-- character after the number kept. Only in the texts where a digit, a separator and 3 digits meet.
CREATE OR REPLACE MACRO search_number_groups() AS
'([0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}|[0-9]{1,3}(?:(?:,[0-9]{3})+|(?:\.[0-9]{3})+|(?:''[0-9]{3})+|(?:\x{2019}[0-9]{3})+))'
|| '([^0-9]|$)|[0-9]+';

CREATE OR REPLACE MACRO search_number_separators() AS ',.''' || chr(8217);

-- search_numbers_joined(s, wanted): the same when `wanted`, else `s`: the phrase check joins numbers only
-- when a phrase holds a digit (joining changes no word without one, nor which words are next to each
-- other; it cost a phrase check ~1.2x).
CREATE OR REPLACE MACRO search_numbers_joined(s, wanted := true) AS
list_transform([s], lambda t: CASE
    WHEN wanted AND regexp_matches(t, '[0-9][,.''\x{2019}][0-9]{3}')
    THEN array_to_string(list_transform(list_zip(regexp_split_to_array(t, search_number_groups()),
                                                 regexp_extract_all(t, search_number_groups())),
                                        lambda x: x[1] || coalesce(CASE WHEN regexp_matches(x[2], '[0-9]$')
                                                                        THEN translate(x[2], search_number_separators(), '')
                                                                        ELSE translate(substring(x[2], 1, length(x[2]) - 1),
                                                                                       search_number_separators(), '')
                                                                             || right(x[2], 1) END, '')), '')
    ELSE t END)[1];

-- search_plain_text_outside(): a character outside the plain text search_phrase_pieces takes its short path for.
CREATE OR REPLACE MACRO search_plain_text_outside() AS
'[^\x{01}-\x{7f}\x{a0}-\x{b4}\x{b6}-\x{de}\x{e0}-\x{12f}\x{132}-\x{148}\x{14a}-\x{17e}\x{2010}-\x{2027}\x{2030}-\x{205e}\x{20ac}]';

CREATE OR REPLACE MACRO search_unit() AS
'[\x{0e01}-\x{0e3a}\x{0e40}-\x{0e4e}\x{0e50}-\x{0e59}\x{0e81}-\x{0e82}\x{0e84}\x{0e86}-\x{0e8a}\x{0e8c}-\x{0ea3}\x{0ea5}\x{0ea7}-\x{0ebd}\x{0ec0}-\x{0ec4}\x{0ec6}\x{0ec8}-\x{0ecd}\x{0ed0}-\x{0ed9}\x{0edc}-\x{0edf}\x{1000}-\x{1049}\x{1050}-\x{109d}\x{1780}-\x{17d3}\x{17d7}\x{17dc}-\x{17dd}\x{17e0}-\x{17e9}\x{17f0}-\x{17f9}\x{1950}-\x{196d}\x{1970}-\x{1974}\x{1980}-\x{19ab}\x{19b0}-\x{19c9}\x{19d0}-\x{19da}\x{1a20}-\x{1a5e}\x{1a60}-\x{1a7c}\x{1a7f}-\x{1a89}\x{1a90}-\x{1a99}\x{1aa7}\x{a9e0}-\x{a9fe}\x{aa60}-\x{aa76}\x{aa7a}-\x{aac2}\x{aadb}-\x{aadd}]';

-- search_units_apart(s): each unit of an unspaced script set apart, in the texts that hold one.
CREATE OR REPLACE MACRO search_units_apart(s) AS
list_transform([s], lambda t: CASE WHEN regexp_matches(t, '[\x{0e00}-\x{0eff}\x{1000}-\x{109f}\x{1780}-\x{17ff}\x{1950}-\x{19ff}\x{1a20}-\x{1aaf}\x{a9e0}-\x{a9ff}\x{aa60}-\x{aadf}]')
     THEN regexp_replace(t, '(' || search_unit() || '\pM*)', ' \1 ', 'g') ELSE t END)[1];

-- A text of ASCII, Latin-1 (but `µ` and `ß`, which casefold otherwise), Latin Extended-A (but `İ ı ŉ ſ`, which the folds
-- and letter variants change; its review), `€` and General Punctuation (`’ “ ” – — …`, which
-- nearly every real article holds) takes a shorter path ("Analyst 54"): NFC, the folds, the marks, the letter variants,
-- the units and the CJK characters leave such a text as lower() does (each step's class holds none of its characters,
-- NFC composes none of them: tests/test_search_analyst54.py checks every one), so only its numbers are joined. One
-- scan for a character outside that set instead of six passes: a phrase search's text preparation ~0.6x.
CREATE OR REPLACE MACRO search_phrase_pieces(s, numbers := true) AS
list_transform([replace(s, chr(0), ' ')], lambda raw: CASE
    WHEN regexp_matches(raw, search_plain_text_outside())
    THEN search_units_apart(regexp_replace(search_numbers_joined(search_unmarked(search_fold(nfc_normalize(raw))), numbers),
                                           '([\x{3040}-\x{30ff}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{f900}-\x{faff}])',
                                           ' \1 ', 'g'))
    ELSE search_numbers_joined(lower(raw), numbers) END)[1];

CREATE OR REPLACE MACRO search_phrase_body(s, numbers := true) AS
' ' || regexp_replace(search_phrase_pieces(replace(s, chr(847), ''), numbers), '[^\pL\pN\pM_]+', ' ', 'g') || ' ';

-- search_list_commas(t): `t` with the commas of a list of numbers written without spaces (`1,2,3`: three numbers or
-- more, a comma between each two: newsflow.search_separators.LIST) made spaces, so no comma of a list is read as a
-- decimal point (`1.2` and `2,3` do not find `1,2,3`: "Analyst 44"). Only in a text holding such a list.
CREATE OR REPLACE MACRO search_list_commas(t) AS
list_transform([t], lambda x: CASE WHEN regexp_matches(x, '[0-9],[0-9]+,[0-9]')
     THEN array_to_string(list_transform(list_zip(regexp_split_to_array(x, '[0-9]+(?:,[0-9]+){2,}'),
                                                  regexp_extract_all(x, '[0-9]+(?:,[0-9]+){2,}')),
                                         lambda y: y[1] || coalesce(replace(y[2], ',', ' '), '')), '')
     ELSE x END)[1];

-- search_kept_separators(pieces): the phrase text (search_phrase_pieces) with every run of characters other than
-- letters, digits, marks, `_` and the separators (`/`, `.`, `:`, `-`: newsflow.search_text.SEPARATORS; every dash
-- is `-`, a fraction slash `/`, a comma `.`, a decimal point as in German `3,5`) made one space, and each separator
-- between two digits set apart (`9/11` is `9 / 11`; twice, as a match takes the digit after it: `1/2/3`). One
-- Unicode class regex: the phrase text (search_phrase_text) and the text keeping the separators
-- (search_separated_body) are made from it by ASCII ones, cheap to bind. Only for a query with such a phrase: the
-- others' phrase text is made as before, in one pass (these passes cost a phrase search ~1.2x).
CREATE OR REPLACE MACRO search_kept_separators(pieces) AS
' ' || regexp_replace(regexp_replace(regexp_replace(translate(search_list_commas(pieces), ',' || chr(8208) || chr(8209) || chr(8210) || chr(8211) || chr(8212) || chr(8722) || chr(8260) || chr(8725), '.------//'),
                                                    '([0-9])([/.:-])([0-9])', '\1 \2 \3', 'g'),
                                     '([0-9])([/.:-])([0-9])', '\1 \2 \3', 'g'),
                      '[^\pL\pN\pM_/.:-]+', ' ', 'g') || ' ';

-- search_phrase_text(kept): the phrase text (search_phrase_body's words, one space apart) from search_kept_separators.
CREATE OR REPLACE MACRO search_phrase_text(kept) AS
regexp_replace(regexp_replace(kept, '[/.:-]+', ' ', 'g'), '  +', ' ', 'g');

-- search_separated_body(kept): the phrase text keeping each separator between two digits as a word of its own:
-- `9/11` is ` 9 / 11 `, `Oct. 9, 11` ` oct 9 11 ` (a separator next to a letter or digit on one side only is a
-- space). A query phrase typed with one (`9/11`, `3-2`) is looked for here (search_separators.separated_tokens
-- cuts the query alike): the numbers with that separator ("Analyst 41"). A separator with spaces around it in the
-- text is one too (`3 - 2`).
CREATE OR REPLACE MACRO search_separated_body(kept) AS
regexp_replace(regexp_replace(regexp_replace(kept, '([^ ])[/.:-]+', '\1 ', 'g'), '[/.:-]+([^ ])', ' \1', 'g'), '  +', ' ', 'g');

-- search_unaccented(s): newsflow.search_text.unaccented: a casefolded text's Latin letters without their
-- accents (UNACCENTED, each letter of the first string made the one at its place in the second, then
-- UNACCENTED_PAIRS), in the texts that hold one (an ASCII text, as bytes as long as in characters, skips the
-- regex test: most English phrase texts). A query's phrase typed without accents is looked for in
-- the phrase text made so, as its words are looked up by the bare forms the index holds too.
CREATE OR REPLACE MACRO search_unaccented(s) AS
list_transform([s], lambda t: CASE WHEN strlen(t) = length(t) THEN t WHEN regexp_matches(t, '[àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđðøǿłħŧæǽǣœ]')
     THEN replace(replace(replace(replace(translate(t, 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđðøǿłħŧ', 'aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoognaaaeeiioorruusthaeooooyabbbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrsssssttttuuuuuvvwwwwwxxyzzzaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyyddoolht'), 'æ', 'ae'), 'ǽ', 'ae'), 'ǣ', 'ae'), 'œ', 'oe') ELSE t END)[1];

-- search_bare_pattern(pattern): a phrase typed without accents, with a Latin letter: the others (Thai, CJK,
-- Arabic) are found alike in the text with and without accents, which is then not made (a regex scan of
-- each candidate's text).
CREATE OR REPLACE MACRO search_bare_pattern(pattern) AS
regexp_matches(pattern, '[a-z]') AND pattern = search_unaccented(pattern);

-- search_index_words(tokens): newsflow.search_text.index_words: the units of an unspaced script next to
-- each other as overlapping bigrams, a unit alone as itself, other tokens as they are.
CREATE OR REPLACE MACRO search_index_words(t) AS
list_filter(list_transform(t, lambda x, i:
                CASE WHEN NOT regexp_matches(x, '^' || search_unit()) THEN x
                     WHEN i < len(t) AND regexp_matches(t[i + 1], '^' || search_unit()) THEN x || t[i + 1]
                     WHEN i = 1 OR NOT regexp_matches(t[i - 1], '^' || search_unit()) THEN x END),
            lambda x: x IS NOT NULL);

-- search_apostrophes_joined(item, typed): newsflow.search_apostrophes.phrase_joined: a query word or phrase with each
-- word the apostrophe rule joins written joined (`"Pat O'Brien"`: `"Pat OBrien"`; `O'Brien`: `OBrien`; `typed`, a
-- query's: a part after of 3 letters or more is joined too, `o'brien`), NULL when none joins; not `typed`, a text
-- with its words joined as the index joins them (search_apostrophes.apostrophe_terms) ("Analyst 43": before, the macro read
-- `O'Brien` as the phrase `o brien` only, where `newsflow search` also finds `OBrien`). A letter here is one of
-- \pL less the modifier letters written as apostrophes (search_apostrophes.MODIFIER_APOSTROPHES); a word with
-- the ʻokina, ayin, hamza, `ʽ` or the prime alone between its letters (LETTER_MARKS) is joined whatever its parts.
CREATE OR REPLACE MACRO search_apostrophe_word() AS
'[^\PL' || search_modifier_apostrophes() || ']+(?:' || search_apostrophe_mark() || '[^\PL' || search_modifier_apostrophes()
|| ']+)+';

CREATE OR REPLACE MACRO search_word_joined(w, typed) AS
list_transform([regexp_split_to_array(w, search_apostrophe_mark())], lambda p: CASE
    WHEN len(p) > 2 OR NOT regexp_matches(w, search_apostrophe_unmarked()) THEN array_to_string(p, '')
    WHEN lower(p[2]) IN ('d', 'll', 'm', 're', 's', 't', 've') THEN w
    WHEN length(p[1]) <= 2 THEN CASE
        WHEN regexp_matches(p[1], '^\p{Ll}') AND lower(p[1]) IN ('b', 'c', 'ch', 'd', 'dh', 'gl', 'j', 'l', 'm', 'n', 'qu', 's', 't', 'un', 'v', 'ç') THEN w
        WHEN regexp_matches(p[2], '^\p{Lu}')
             OR ((typed OR (p[1] = lower(p[1]) AND p[2] = lower(p[2]))) AND length(p[2]) >= 3)
        THEN p[1] || p[2]
        ELSE w END
    WHEN lower(p[1]) IN ('all', 'bell', 'buon', 'ciascun', 'coll', 'dall', 'dell', 'entr', 'jusqu', 'lorsqu', 'nell', 'nessun', 'pell', 'presqu', 'puisqu', 'qualcun', 'quell', 'quelqu', 'quest', 'quoiqu', 'sant', 'sull', 'tutt') THEN w
    ELSE p[1] || p[2] END)[1];

CREATE OR REPLACE MACRO search_apostrophes_joined(item, typed := true) AS
list_transform([item], lambda t: CASE WHEN regexp_matches(t, search_apostrophe_mark())
     THEN list_transform([array_to_string(list_transform(list_zip(regexp_split_to_array(t, search_apostrophe_word()),
                                                                  regexp_extract_all(t, search_apostrophe_word())),
                                                         lambda x: x[1] || coalesce(search_word_joined(x[2], typed), '')), '')],
                         lambda j: CASE WHEN j <> t THEN j END)[1] END)[1];

-- search_apostrophes_marked(s): `s` with each apostrophe (of any kind: search_apostrophes.APOSTROPHES and
-- MODIFIER_APOSTROPHES) after a character other than a digit (`1'000` is a number) written U+034F COMBINING
-- GRAPHEME JOINER, a mark, which the phrase texts keep inside the word, then back as `'` before a contraction
-- (`it's`, `WE'LL`) and after a lower-case elision (`l'aide`, `l'Inde`, `d'une`; search_apostrophes.ELISIONS: since
-- "Analyst 44" the rule joins a text's lower-case `o'brien`, so another lower-case part of 1-2 letters is marked). The phrase check reads
-- the mark as a space, as it read the apostrophe, and, for a phrase not found so, as nothing: the words joined
-- ("Analyst 43"). Only between a letter and a letter (the third regex puts `'` back before a space, punctuation or
-- the end; one after them is not marked): at a word's edge (`players' union`, ` ' `, `'no deal'`) the mark read as a
-- space left two, and a phrase across it and a word the rule does not join was missed. Looser than the rule (Italian
-- `dell'Anno` is marked): a phrase matched joined still needs its joined word among the article's terms,
-- which only the rule made (`"pat obrien"` needs the term `obrien`). Only in a text with an apostrophe before a capital, 3 letters, a letter not ASCII
-- or a part that is no contraction (most English texts hold only `it's`, `don't`, `minister's`: left as they are, ASCII,
-- which the phrase text's steps read fastest). ASCII regexes, no Unicode class: compiling
-- `\pL` costs ~4 ms a regex, paid by every search's plan. A CGJ written in a text is nothing, as the index reads
-- it (search_text._FOLDED, "Analyst 44"): it is taken out first (as from the query, search_query_alts, and
-- search_phrase_body), and the other default-ignorable marks, the variation selectors and Mongolian's, by
-- search_unmarked.
-- search_apostrophes_unjoined(t): `t` with a space for each apostrophe (not a letter mark: the okina, ayin, `ʹ`
-- join after any part) that the rule never joins and the marking would mark: after a part of 1-2 letters starting
-- with a capital, before a lower-case letter (`O'neill`, `L'aide`), and after the Italian and French words the rule
-- keeps (`dell'Anno`, `jusqu'à`). The phrase check reads all the marks of a text one way, a space or nothing: one
-- such mark in a phrase with a word typed joined (`"OBrien met Ann dell'Anno"`) failed both readings.
CREATE OR REPLACE MACRO search_apostrophes_unjoined(t) AS
regexp_replace(regexp_replace(t, '(^|[^A-Za-z])([A-Z][A-Za-z]?)' || search_apostrophe_unmarked() || '([a-z])', '\1\2 \3', 'g'),
               '(^|[^A-Za-z])((?i:all|bell|buon|ciascun|coll|dall|dell|entr|jusqu|lorsqu|nell|nessun|pell|presqu|puisqu|qualcun|quell|quelqu|quest|quoiqu|sant|sull|tutt))' || search_apostrophe_unmarked(), '\1\2 ', 'g');

CREATE OR REPLACE MACRO search_apostrophes_marked(s) AS
list_transform([replace(s, chr(847), '')], lambda t: CASE WHEN regexp_matches(t, search_apostrophe_mark() || '(?:[A-Z]|[a-z]{3}|[^\x00-\x7f]|(?:[abce-lnoqru-z]|[a-km-qs-uw-z][a-z]|l[a-km-z]|r[a-df-z]|v[a-df-z])(?:[^a-z]|$))')
     THEN regexp_replace(regexp_replace(regexp_replace(search_apostrophes_unjoined(t), '([^0-9\x00-\x40\x5b-\x60\x7b-\x7f\x{a0}\x{2000}-\x{206f}\x{3000}])' || search_apostrophe_mark(), '\1͏', 'g'),
                         '(^|[^A-Za-z\x{034f}])([bcdjlmnstvç]|qu|un|gl|ch|dh)\x{034f}|\x{034f}((?i:s|t|d|m|ll|re|ve)(?:[^A-Za-z]|$))', '\1\2''\3', 'g'),
                         '\x{034f}([\x00-\x40\x5b-\x60\x7b-\x7f\x{a0}\x{2000}-\x{206f}\x{3000}]|$)', '''\1', 'g')
     ELSE t END)[1];

-- search_marked_pattern(wanted): the regex of a phrase (` o brien met ann darcy `, its words one space apart) in a
-- phrase text with marks (search_apostrophes_marked): each of its characters in a class of its own (none is a
-- bracket, a backslash or `^`: punctuation to the phrase text) with a mark allowed after it, each space a space or a
-- mark. So each mark of the text is read as nothing or as a space, whichever the phrase needs ("Analyst 44").
CREATE OR REPLACE MACRO search_marked_pattern(wanted) AS
replace(regexp_replace(wanted, '([^ ])', '[\1]' || chr(847) || '?', 'g'), ' ', '[ ' || chr(847) || ']');

-- search_ranked_words_ok(terms, stops, alts, docs, dfs): per article and alternative of a query word or phrase,
-- its BM25 score and whether it has all the alternative's words (`words_ok`; a phrase's order is checked
-- after, by search_ranked_in). Shared by search_ranked_in and search_ranked_words_in.
CREATE OR REPLACE MACRO search_ranked_words_ok(terms, stops, alts, docs, dfs) AS TABLE
WITH q AS (SELECT unnest(terms, recursive := true)),
     a AS (SELECT unnest(alts, recursive := true)),
     st AS (SELECT clause, alt, "language", count(*) AS n
            FROM (SELECT unnest(stops, recursive := true)) GROUP BY ALL),
     stats AS (SELECT count(*) AS n_docs, avg(length) AS avgdl FROM search_docs),
     -- the query terms' postings, read once
     hits AS MATERIALIZED (SELECT doc_id, term_id, tf FROM search_postings WHERE term_id IN (SELECT term_id FROM q)
                           AND (docs IS NULL OR doc_id IN (SELECT unnest(docs)))),
     qdf AS (SELECT term_id, count(*) AS n FROM hits WHERE dfs IS NULL GROUP BY term_id
             UNION ALL
             SELECT unnest(dfs, recursive := true) WHERE dfs IS NOT NULL),
     df AS (SELECT q.clause, q.alt, q.pos, sum(qdf.n) AS df FROM q JOIN qdf USING (term_id) GROUP BY ALL),
     -- the anchor: the rarest required word (or, for a clause of OR'ed alternatives, the whole
     -- clause) that no stop word can stand for. Every match has one of its terms, so only those
     -- articles' postings of the other words are read.
     alt_counts AS (SELECT clause, count(*) AS n_alts FROM a GROUP BY clause),
     anchor AS (SELECT q.clause, CASE WHEN c.n_alts = 1 THEN q.pos END AS pos
                FROM q JOIN qdf USING (term_id) JOIN alt_counts c USING (clause)
                WHERE NOT q.negated AND q.clause NOT IN (SELECT clause FROM st)
                GROUP BY ALL ORDER BY sum(qdf.n), 1, 2 LIMIT 1),
     anchor_docs AS (SELECT DISTINCT doc_id FROM hits
                     WHERE term_id IN (SELECT q.term_id FROM q JOIN anchor x ON q.clause = x.clause
                                       AND (x.pos IS NULL OR q.pos = x.pos))),
     -- one row per (article, query word) it has: an article has a word in one language only
     hq AS (SELECT p.doc_id, p.tf, q.clause, q.alt, q.pos, q.negated
            FROM hits p JOIN q USING (term_id)
            WHERE NOT EXISTS (SELECT 1 FROM anchor) OR p.doc_id IN (SELECT doc_id FROM anchor_docs)),
     doc_alt AS (
        SELECT h.doc_id, h.clause, h.alt, any_value(h.negated) AS negated, count(*) AS matched,
               any_value(d.article_id) AS article_id, any_value(d."language") AS "language",
               sum(CASE WHEN h.negated THEN 0 ELSE ln(1 + (s.n_docs - f.df + 0.5) / (f.df + 0.5))
                       * h.tf * 2.2 / (h.tf + 1.2 * (0.25 + 0.75 * d.length / s.avgdl)) END) AS score
        FROM hq h JOIN search_docs d USING (doc_id) JOIN df f USING (clause, alt, pos) CROSS JOIN stats s
        GROUP BY h.doc_id, h.clause, h.alt)
SELECT o.*, a.pattern, o.matched + coalesce(st.n, 0) = a.n_tokens AS words_ok,
       coalesce(search_bare_pattern(a.pattern), false) AS bare
FROM doc_alt o JOIN a USING (clause, alt)
LEFT JOIN st ON st.clause = o.clause AND st.alt = o.alt AND st."language" = o."language";

CREATE OR REPLACE MACRO search_ranked_in(terms, stops, alts, docs, dfs) AS TABLE
WITH a AS (SELECT unnest(alts, recursive := true)),
     st AS (SELECT clause, alt, "language", count(*) AS n
            FROM (SELECT unnest(stops, recursive := true)) GROUP BY ALL),
     alt_ok AS (SELECT * FROM search_ranked_words_ok(terms, stops, alts, docs, dfs)),
     -- a phrase is looked for in the text with its words one space apart (search_phrase_body); a phrase
     -- typed without accents in that text without them (search_unaccented), made only when one is (whether
     -- a phrase is bare is found once, in alt_ok: each call of the macro is bound and optimised again)
     -- a phrase typed with a separator between two numbers (`9 / 11`) in the text keeping them
     -- (search_separated_body), made only when one is
     digits AS (SELECT coalesce(bool_or(regexp_matches(pattern, '[0-9]')), false) AS numbers,
                       coalesce(bool_or(regexp_matches(pattern, ' [/.:-] ')), false) AS separated,
                       coalesce((SELECT bool_or(bare) FROM alt_ok WHERE words_ok), false) AS bare FROM a),
     phrase_text AS (SELECT article_id, pairs[1][1] AS body, pairs[1][2] AS plain, pairs[2][1] AS apart,
                            pairs[2][2] AS plain_apart
                     FROM (SELECT article_id,
                                  list_transform([pieces],
                                                 lambda p: list_transform(CASE WHEN separated
                                                                               THEN list_transform([search_kept_separators(p)],
                                                                                                   lambda k: [search_phrase_text(k), search_separated_body(k)])[1]
                                                                               ELSE [' ' || regexp_replace(p, '[^\pL\pN\pM_]+', ' ', 'g') || ' ', NULL] END,
                                                                          lambda t: [t, CASE WHEN bare THEN search_unaccented(t) END]))[1] AS pairs
                           FROM (SELECT article_id, separated, bare,
                                        search_phrase_pieces(search_apostrophes_marked(coalesce(title, '') || ' ' || "text"), numbers) AS pieces
                                 FROM articles CROSS JOIN digits
                                 WHERE article_id IN (SELECT article_id FROM alt_ok WHERE words_ok AND pattern IS NOT NULL)))),
     -- the phrase texts hold the apostrophes the rule may join as a mark (search_apostrophes_marked): read as a
     -- space, as any apostrophe; else left out: the words the rule joins written joined, as the index holds them
     -- too (`"Pat OBrien"` finds `Pat O'Brien`, and a phrase with two such words finds them written any way:
     -- "Analyst 43"); a text without the mark is read as it is. A phrase found neither way is looked for with each
     -- mark a space or nothing, its own way (search_marked_pattern: `"O Brien met Ann DArcy"` finds `O'Brien met Ann
     -- D'Arcy`, "Analyst 44"): a regex made for the phrase, only for the texts with a mark the two readings missed (a
     -- CASE branch of its own: an OR computed it for every marked text, 1.3x a phrase check there; and only where the
     -- text without marks and spaces holds the phrase without spaces, which every text the regex finds does)
     phrase_ok AS (SELECT doc_id, clause, alt
                   FROM (SELECT o.doc_id, o.clause, o.alt, ' ' || o.pattern || ' ' AS wanted,
                                CASE WHEN regexp_matches(o.pattern, ' [/.:-] ') THEN (CASE WHEN o.bare THEN t.plain_apart ELSE t.apart END)
                                     WHEN o.bare THEN t.plain ELSE t.body END AS v
                         FROM alt_ok o JOIN phrase_text t USING (article_id)
                         WHERE o.words_ok AND o.pattern IS NOT NULL)
                   WHERE CASE WHEN NOT contains(v, chr(847)) THEN contains(v, wanted)
                              WHEN contains(replace(v, chr(847), ' '), wanted) OR contains(replace(v, chr(847), ''), wanted)
                              THEN true
                              WHEN NOT contains(replace(replace(v, chr(847), ''), ' ', ''), replace(wanted, ' ', '')) THEN false
                              ELSE regexp_matches(v, search_marked_pattern(wanted)) END),
     alt_true AS (
        SELECT o.doc_id, o.article_id, o."language", o.clause, o.negated, o.score,
               o.words_ok AND (o.pattern IS NULL OR p.doc_id IS NOT NULL) AS holds
        FROM alt_ok o LEFT JOIN phrase_ok p USING (doc_id, clause, alt)),
     -- clauses as bits (at most 63 are not negated): those an article satisfies, those all stop words
     -- in its language satisfy, and those required
     auto_ok AS (SELECT st."language", bit_or((1::UBIGINT) << a.clause::UBIGINT) AS mask
                 FROM st JOIN a USING (clause, alt) WHERE NOT a.negated AND st.n = a.n_tokens GROUP BY 1),
     required AS (SELECT coalesce(bit_or((1::UBIGINT) << clause::UBIGINT), 0::UBIGINT) AS mask
                  FROM a WHERE NOT negated),
     per_doc AS (
        SELECT doc_id, any_value(article_id) AS article_id, any_value("language") AS "language",
               sum(score) AS score, bool_or(holds AND negated) AS excluded,
               bit_or(CASE WHEN holds AND NOT negated THEN (1::UBIGINT) << clause::UBIGINT
                           ELSE 0::UBIGINT END) AS mask
        FROM alt_true GROUP BY doc_id)
SELECT p.article_id, p.score
FROM per_doc p LEFT JOIN auto_ok o USING ("language") CROSS JOIN required r
WHERE (p.mask | coalesce(o.mask, 0::UBIGINT)) = r.mask AND NOT p.excluded;

-- search_ranked_words_in(terms, stops, alts, docs, dfs): search_ranked_in for a query with no phrase (no alternative
-- has a pattern), the same rows: without the phrase check's CTEs, which DuckDB binds and optimises for every
-- statement even when no phrase is asked (a search of words then costs ~60% of the CPU: docs/search.md,
-- "Analyst 49"). `newsflow search` picks it when the query has no phrase (search_index.ranked_macro).
CREATE OR REPLACE MACRO search_ranked_words_in(terms, stops, alts, docs, dfs) AS TABLE
WITH a AS (SELECT unnest(alts, recursive := true)),
     st AS (SELECT clause, alt, "language", count(*) AS n
            FROM (SELECT unnest(stops, recursive := true)) GROUP BY ALL),
     alt_ok AS (SELECT * FROM search_ranked_words_ok(terms, stops, alts, docs, dfs)),
     alt_true AS (SELECT doc_id, article_id, "language", clause, negated, score, words_ok AS holds
                  FROM alt_ok),
     -- clauses as bits (at most 63 are not negated): those an article satisfies, those all stop words
     -- in its language satisfy, and those required
     auto_ok AS (SELECT st."language", bit_or((1::UBIGINT) << a.clause::UBIGINT) AS mask
                 FROM st JOIN a USING (clause, alt) WHERE NOT a.negated AND st.n = a.n_tokens GROUP BY 1),
     required AS (SELECT coalesce(bit_or((1::UBIGINT) << clause::UBIGINT), 0::UBIGINT) AS mask
                  FROM a WHERE NOT negated),
     per_doc AS (
        SELECT doc_id, any_value(article_id) AS article_id, any_value("language") AS "language",
               sum(score) AS score, bool_or(holds AND negated) AS excluded,
               bit_or(CASE WHEN holds AND NOT negated THEN (1::UBIGINT) << clause::UBIGINT
                           ELSE 0::UBIGINT END) AS mask
        FROM alt_true GROUP BY doc_id)
SELECT p.article_id, p.score
FROM per_doc p LEFT JOIN auto_ok o USING ("language") CROSS JOIN required r
WHERE (p.mask | coalesce(o.mask, 0::UBIGINT)) = r.mask AND NOT p.excluded;

CREATE OR REPLACE MACRO search_ranked(terms, stops, alts) AS TABLE
SELECT * FROM search_ranked_in(terms, stops, alts, NULL::INTEGER[], NULL::STRUCT(term_id INTEGER, n BIGINT)[]);

CREATE OR REPLACE MACRO search_ranked_words(terms, stops, alts) AS TABLE
SELECT * FROM search_ranked_words_in(terms, stops, alts, NULL::INTEGER[], NULL::STRUCT(term_id INTEGER, n BIGINT)[]);

-- search_articles('query'): the same search from SQL, for analysts: one row per matching article,
-- best first (docs/search.md). The query syntax is the CLI's ("phrases", -word, OR), less two forms: a prefix
-- (`syria*`) is refused, not read as its word; a name typed with accents (`Erdoğan`) is read as typed. Words are
-- looked up by the forms the index has seen (search_forms) instead of being stemmed, so a word
-- form that occurs in no article finds nothing here, where `newsflow search` would stem it.
-- search_query_alts(query), search_alts_terms(alts) and search_alts_stops(alts) are its three steps, each a
-- self-contained subquery.
-- search_nonspace(): a character that is not white space, as Python's `\S` (RE2's is ASCII-only).
CREATE OR REPLACE MACRO search_nonspace() AS
'[^\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]';

-- search_acronym(item): newsflow.search_acronyms.query_acronym: an unquoted query word in capitals (`US`) or of
-- letters and dots in any case (`U.S.`, `u.s.`) is an acronym: its letters in capitals (`US`, the acronym term
-- the index holds for an acronym written in capitals) when they make a common word (search_acronym_words(),
-- search_acronyms.ACRONYM_WORDS), else the word they make (`uk`); NULL for any other word.
CREATE OR REPLACE MACRO search_acronym_words() AS
['aan', 'aber', 'ad', 'al', 'alla', 'alle', 'als', 'am', 'an', 'and', 'ao', 'are', 'as', 'at', 'au', 'auch', 'auf', 'aus', 'aux', 'avec', 'be', 'been', 'bei', 'bij', 'bin', 'bis', 'but', 'by', 'ce', 'ces', 'che', 'chi', 'com', 'como', 'con', 'da', 'dal', 'dalla', 'dan', 'dans', 'das', 'dass', 'dat', 'de', 'dei', 'del', 'della', 'dem', 'den', 'der', 'des', 'di', 'die', 'dit', 'do', 'doch', 'dos', 'du', 'een', 'ein', 'eine', 'einem', 'einen', 'einer', 'eines', 'el', 'ela', 'ele', 'ella', 'elle', 'em', 'en', 'entre', 'er', 'es', 'est', 'esta', 'este', 'et', 'foi', 'for', 'from', 'fue', 'gli', 'ha', 'had', 'han', 'has', 'hat', 'hatte', 'have', 'he', 'heeft', 'her', 'het', 'hij', 'his', 'ich', 'if', 'ihr', 'il', 'ils', 'im', 'in', 'into', 'is', 'ist', 'it', 'its', 'ja', 'je', 'la', 'las', 'le', 'les', 'leur', 'lo', 'los', 'lui', 'ma', 'maar', 'mais', 'mas', 'me', 'met', 'mi', 'mit', 'na', 'naar', 'nach', 'nas', 'nel', 'nella', 'nicht', 'niet', 'no', 'noch', 'nog', 'non', 'nos', 'nous', 'nur', 'oder', 'of', 'om', 'on', 'ont', 'ook', 'op', 'or', 'os', 'ou', 'our', 'par', 'para', 'pas', 'pela', 'pelo', 'per', 'pero', 'por', 'pour', 'qu', 'que', 'qui', 'sa', 'se', 'sem', 'ses', 'seu', 'she', 'si', 'sich', 'sie', 'sin', 'sind', 'so', 'son', 'sono', 'sont', 'su', 'sua', 'sul', 'sur', 'sus', 'ta', 'te', 'than', 'that', 'the', 'their', 'them', 'they', 'this', 'those', 'to', 'tot', 'tra', 'tu', 'uit', 'um', 'uma', 'un', 'una', 'und', 'une', 'uns', 'us', 'van', 'von', 'voor', 'vor', 'vous', 'war', 'was', 'wat', 'we', 'wel', 'werd', 'were', 'which', 'who', 'wie', 'will', 'wir', 'wird', 'with', 'ya', 'you', 'ze', 'zich', 'zijn', 'zu', 'zum', 'zur'];

CREATE OR REPLACE MACRO search_acronym(item) AS
list_transform([item], lambda w: CASE WHEN regexp_full_match(w, '[A-Za-z](\.[A-Za-z])+\.?|[A-Z]{2,}')
     THEN list_transform([lower(replace(w, '.', ''))],
                         lambda j: CASE WHEN list_contains(search_acronym_words(), j) THEN upper(j) ELSE j END)[1] END)[1];

-- search_item_words(pieces): a query item's words, from its phrase text (search_phrase_pieces); and
-- search_item_separated(item, pieces): its words with each separator typed between two numbers (`9/11`) as a word
-- of its own (search_separators), NULL when it has none.
CREATE OR REPLACE MACRO search_item_words(pieces) AS
regexp_extract_all(' ' || regexp_replace(pieces, '[^\pL\pN\pM_]+', ' ', 'g') || ' ', '[^ ]+');

CREATE OR REPLACE MACRO search_item_separated(item, pieces) AS
CASE WHEN regexp_matches(item, '[0-9][-/.:,\x{2010}-\x{2014}\x{2212}\x{2044}\x{2215}][0-9]')
     THEN regexp_extract_all(search_separated_body(search_kept_separators(pieces)), '[^ ]+') END;

-- the query, or one line refusing what this parser would misread ("Analyst 46"): groups in parentheses in a query
-- with OR or NOT (`NOT (syria OR iran)` left out syria and required iran), which `newsflow search` reads
-- (search_groups.py), and other engines' syntax, which both refuse: a field in lower case (`title:`), `~` after a
-- word or phrase, `NEAR` (unless the query is all capitals, a headline), `NEAR/5`, `W/5`, a word of letters with `?`
-- inside (`wom?n`), `!word`, `||`, `&&`, `word^2`. Without OR or NOT, parentheses can only mean every word required,
-- as punctuation does (`(AFP)`, `1) Syria`), and a link, `sh*t`, `x^2`, `Source:AFP`, `!Kung` are read as before
-- (review of Analyst 46). ASCII classes (a `\pL` class costs each plan's binding ~4 ms, "Analyst 43"), so a `?`
-- between letters not ASCII is read as before
CREATE OR REPLACE MACRO search_query_readable(query) AS
CASE WHEN (regexp_matches(query, '(^|\s)(-|NOT)?\(')
           AND regexp_matches(query, '(^|\s)(OR|NOT)(\s|\(|$)|(^|\s)-\('))
       OR regexp_matches(query, '(^|\s)-?(title|text|body|headline|language|lang|media|media_id|media_name'
                                || '|source|sources|site|url|domain|author|authors|byline|publish_date|pub_date|date|tags?'
                                || '|feed|collections?|story|stories_id)\s*:\S|([[:alpha:]]|")~[0-9.]*(\s|$)'
                                || '|(^|\s)(NEAR(/[0-9]+|[0-9]+)|W/[0-9]+|\|\||&&)(\s|$)'
                                || '|(^|\s)-?[[:alpha:]]+(\?[a-z]+)+\*?(\s|$)|(^|\s)![a-z]'
                                || '|(^|\s)-?[[:alpha:]]{3,}\^[0-9]+(\.[0-9]+)?(\s|$)')
       OR (regexp_matches(query, '(^|\s)NEAR(\s|$)') AND regexp_matches(query, '[a-z]'))
     THEN error('search_articles: ' || regexp_replace(left(query, 80), '[[:cntrl:]]', ' ', 'g') || ' has groups in parentheses or another engine''s syntax '
                || '(title:, ~, NEAR, wom?n, !, ||, ^), which only newsflow search reads or explains; in SQL '
                || 'write words, "phrases", OR and -word (NOT (a OR b) is -a -b)')
     -- an OR, AND or NOT with no word after it (`syria OR`): was dropped quietly ("Analyst 47", migration 0102);
     -- ASCII classes only (a \pL class costs every plan's binding ~4 ms). As the CLI reads it: after an even count of
     -- quotes (`"Portland, OR"` is a phrase), a whole word (`OR.` is a word), then punctuation only (`syria OR ...`)
     WHEN regexp_matches(query, '^([^"]*"[^"]*")*[^"]*(^|\s)(OR|AND|NOT)(\s+[[:punct:]]*)*$')
     THEN error('search_articles: ' || regexp_replace(left(query, 80), '[[:cntrl:]]', ' ', 'g') || ' ends with OR, '
                || 'AND or NOT, which needs a word after it (syria OR iran, NOT iran): add the word or leave it out')
     ELSE query END;

CREATE OR REPLACE MACRO search_query_alts(query) AS (
    WITH items AS (SELECT unnest(x) AS item, generate_subscripts(x, 1) AS i
                   FROM (SELECT regexp_extract_all(search_numbers_joined(nfc_normalize(replace(search_query_readable(query),
                                                                                                 chr(847), ''))),
                                                   '-?"[^"]*"?|' || search_nonspace() || '+')
                         AS x)),
         flagged AS (SELECT i, is_or, is_not, minus,
                            list_filter([{'ordered': ordered, 'separated': separated},
                                         CASE WHEN joined IS NOT NULL THEN {'ordered': search_item_words(joined_pieces),
                                                                            'separated': search_item_separated(joined, joined_pieces)} END],
                                        lambda s: s IS NOT NULL AND len(s.ordered) > 0) AS spellings
                     FROM (SELECT *, item = 'OR' AS is_or, item = 'NOT' AS is_not, starts_with(item, '-') AND length(item) > 1
                                  AS minus,
                                  CASE WHEN acronym IS NOT NULL THEN [acronym]
                                       WHEN ends_with(item, '*') AND NOT regexp_matches(item, '^-?"')
                                       THEN error('search_articles: ' || item || ' is a prefix search, which only `newsflow '
                                                  || 'search` does (this macro would read it as its word); in SQL join the '
                                                  || 'words with OR')
                                       ELSE search_item_words(pieces) END AS ordered,
                                  CASE WHEN acronym IS NULL THEN search_item_separated(item, pieces) END AS separated,
                                  search_phrase_pieces(joined) AS joined_pieces
                           -- the item's phrase text is made once (pieces), for both: each macro call is bound again;
                           -- a word the apostrophe rule joins (`O'Brien`) is also looked for joined (`OBrien`), as
                           -- `newsflow search` does: a second spelling of the item, an alternative of its clause
                           FROM (SELECT *, search_phrase_pieces(item) AS pieces,
                                        CASE WHEN acronym IS NULL THEN search_apostrophes_joined(item) END AS joined
                                 FROM (SELECT *, CASE WHEN NOT starts_with(item, '"') AND NOT starts_with(item, '-"')
                                                      THEN search_acronym(CASE WHEN starts_with(item, '-') THEN substring(item, 2)
                                                                               ELSE item END) END AS acronym
                                       FROM items)))
                     WHERE item <> 'AND'),
         -- a word of punctuation alone is no word: OR and NOT reach across it, as in `newsflow search`;
         -- grp numbers each word with the OR and NOT written just before it
         ops AS (SELECT *, sum(CASE WHEN is_or OR is_not THEN 0 ELSE 1 END) OVER (ORDER BY i)
                           - CASE WHEN is_or OR is_not THEN 0 ELSE 1 END AS grp
                 FROM flagged WHERE is_or OR is_not OR len(spellings) > 0),
         kept AS (SELECT * FROM (SELECT *, bool_or(is_or) OVER (PARTITION BY grp) AS after_or,
                                        minus OR bool_or(is_not) OVER (PARTITION BY grp) AS negated FROM ops)
                  WHERE NOT is_or AND NOT is_not),
         numbered AS (SELECT *, CASE WHEN negated THEN 100000 + i
                                     ELSE sum(CASE WHEN NOT negated AND NOT after_or THEN 1 ELSE 0 END)
                                              OVER (ORDER BY i) END AS clause
                      FROM kept),
         spelled AS (SELECT * EXCLUDE (spellings), unnest(spellings, recursive := true), generate_subscripts(spellings, 1) AS j
                     FROM numbered),
         alternatives AS (SELECT *, row_number() OVER (PARTITION BY clause ORDER BY i, j) AS alt FROM spelled)
    SELECT CASE WHEN max(clause) FILTER (WHERE NOT negated) > 63 THEN error('search_articles: the query has more than 63 words or phrases; '
                                                 || 'join some with OR')
                ELSE coalesce(list({'clause': clause::INTEGER, 'alt': alt::INTEGER,
                                    'n_tokens': len(list_distinct(search_index_words(ordered)))::INTEGER,
                                    'pattern': CASE WHEN list_filter(separated, lambda x: x NOT IN ('/', '.', ':', '-')) = ordered
                                                         AND len(separated) > len(ordered) THEN array_to_string(separated, ' ')
                                                    WHEN len(ordered) > 1 THEN array_to_string(ordered, ' ') END,
                                    'negated': negated,
                                    'words': list_distinct(search_index_words(ordered))} ORDER BY i, j), []) END
    FROM alternatives
);

-- search_alts_terms(alts) and search_alts_stops(alts): the terms and stop words of a parsed query
-- (search_query_alts), looked up by the forms the index holds and in the stop word lists.
CREATE OR REPLACE MACRO search_alts_terms(alts) AS (
    SELECT coalesce(list({'clause': w.clause, 'alt': w.alt, 'pos': w.pos::INTEGER, 'term_id': f.term_id,
                          'negated': w.negated}), [])
           ::STRUCT(clause INTEGER, alt INTEGER, pos INTEGER, term_id INTEGER, negated BOOLEAN)[]
    FROM (SELECT a.clause, a.alt, a.negated, unnest(a.words) AS word, generate_subscripts(a.words, 1) AS pos
          FROM (SELECT unnest(alts, recursive := true)) a) w
    JOIN search_forms f ON f.form = w.word
);

CREATE OR REPLACE MACRO search_alts_stops(alts) AS (
    SELECT coalesce(list({'clause': w.clause, 'alt': w.alt, 'pos': w.pos::INTEGER, 'language': s."language"}), [])
           ::STRUCT(clause INTEGER, alt INTEGER, pos INTEGER, "language" VARCHAR)[]
    FROM (SELECT a.clause, a.alt, unnest(a.words) AS word, generate_subscripts(a.words, 1) AS pos
          FROM (SELECT unnest(alts, recursive := true)) a) w
    JOIN search_stopwords s ON s.word = w.word
);

-- The query is parsed once (parsed, MATERIALIZED), its result handed to the three arguments: each call of
-- search_query_alts is bound again, and naming it in each argument bound the parser three times, half of the
-- macro's CPU on a small warehouse ("Analyst 43").
CREATE OR REPLACE MACRO search_articles(query) AS TABLE
WITH parsed AS MATERIALIZED (SELECT search_query_alts(query) AS alts)
SELECT a.article_id, a.story_id, a.title, a.feed_id, a.published_at, a.canonical_url, r.score
FROM search_ranked((SELECT search_alts_terms(alts) FROM parsed), (SELECT search_alts_stops(alts) FROM parsed),
                   (SELECT [{'clause': x.clause, 'alt': x.alt, 'n_tokens': x.n_tokens, 'pattern': x.pattern,
                             'negated': x.negated} FOR x IN alts]
                           ::STRUCT(clause INTEGER, alt INTEGER, n_tokens INTEGER, pattern VARCHAR, negated BOOLEAN)[]
                    FROM parsed)) r
JOIN articles a USING (article_id)
ORDER BY r.score DESC, a.article_id;
