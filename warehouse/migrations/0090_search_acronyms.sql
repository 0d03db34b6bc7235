-- 0090_search_acronyms: `U.S.`, `US` and `u.s.` are one thing to search for, and not the pronoun `us`
-- (newsflow.search_acronyms; docs/search.md, "Analyst 20"). Comes with views/search.sql's search_acronym(),
-- which reads an unquoted query word in capitals or of letters and dots as an acronym.
--
-- The index now holds, for an acronym written in capitals, extra terms: the word a dotted one's letters make
-- (`U.K.` counts for `uk`), and, when its letters make a common word (search_acronyms.ACRONYM_WORDS: every
-- language's stop words, and `us`), its acronym term in capitals (`US`, `UN`, `WHO`). The articles indexed
-- before whose title or text holds such an acronym (dotted capitals, or one of those words in capitals between
-- characters that are no letter, digit or `_`) are taken out of the index here, as 0084 and 0086 did: each run's
-- end indexes them again (at most search.BACKLOG_PER_RUN a run; `newsflow search` says how many are not indexed
-- yet), and `newsflow search --reindex` does all of them at once. Most English articles hold one (`US`, `U.S.`).
CREATE TEMP TABLE search_docs_0090 AS
SELECT d.doc_id FROM search_docs d JOIN articles a USING (article_id)
WHERE regexp_matches(coalesce(a.title, '') || ' ' || coalesce(a."text", ''),
                     '(^|[^\pL\pN_.])[A-Z](\.[A-Z])+|(^|[^\pL\pN_])(AAN|ABER|AD|AL|ALLA|ALLE|ALS|AM|AN|AND|AO|ARE|AS|AT|AU|AUCH|AUF|AUS|AUX|AVEC|BE|BEEN|BEI|BIJ|BIN|BIS|BUT|BY|CE|CES|CHE|CHI|COM|COMO|CON|DA|DAL|DALLA|DAN|DANS|DAS|DASS|DAT|DE|DEI|DEL|DELLA|DEM|DEN|DER|DES|DI|DIE|DIT|DO|DOCH|DOS|DU|EEN|EIN|EINE|EINEM|EINEN|EINER|EINES|EL|ELA|ELE|ELLA|ELLE|EM|EN|ENTRE|ER|ES|EST|ESTA|ESTE|ET|FOI|FOR|FROM|FUE|GLI|HA|HAD|HAN|HAS|HAT|HATTE|HAVE|HE|HEEFT|HER|HET|HIJ|HIS|ICH|IF|IHR|IL|ILS|IM|IN|INTO|IS|IST|IT|ITS|JA|JE|LA|LAS|LE|LES|LEUR|LO|LOS|LUI|MA|MAAR|MAIS|MAS|ME|MET|MI|MIT|NA|NAAR|NACH|NAS|NEL|NELLA|NICHT|NIET|NO|NOCH|NOG|NON|NOS|NOUS|NUR|ODER|OF|OM|ON|ONT|OOK|OP|OR|OS|OU|OUR|PAR|PARA|PAS|PELA|PELO|PER|PERO|POR|POUR|QU|QUE|QUI|SA|SE|SEM|SES|SEU|SHE|SI|SICH|SIE|SIN|SIND|SO|SON|SONO|SONT|SU|SUA|SUL|SUR|SUS|TA|TE|THAN|THAT|THE|THEIR|THEM|THEY|THIS|THOSE|TO|TOT|TRA|TU|UIT|UM|UMA|UN|UNA|UND|UNE|UNS|US|VAN|VON|VOOR|VOR|VOUS|WAR|WAS|WAT|WE|WEL|WERD|WERE|WHICH|WHO|WIE|WILL|WIR|WIRD|WITH|YA|YOU|ZE|ZICH|ZIJN|ZU|ZUM|ZUR)([^\pL\pN_]|$)');

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0090);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0090);
DROP TABLE search_docs_0090;
