"""Texts shown to people: French by default, English with ``lang="en"``.

Column headers, sheet names and list values live in schema.py; everything else a workbook or
the CLI says lives here.
"""

from __future__ import annotations

from . import schema
from .schema import Text as T

TX: dict[str, T] = {
    # ---- common
    "subtitle.blank": T("Entreprise · équipe · période : à renseigner sur la feuille Stratégie",
                        "Company · team · period: fill them in on the Strategy sheet"),
    "yes": T("Oui", "Yes"),
    "no": T("Non", "No"),
    "total": T("Total", "Total"),
    "others": T("Autres ou non renseigné", "Others or blank"),
    # ---- errors and CLI
    "err.exists": T("{path} existe déjà : ajoutez --force pour le remplacer.",
                    "{path} already exists: add --force to replace it."),
    "err.no_folder": T("{path} : le dossier {folder} n’existe pas.", "{path}: the folder {folder} does not exist."),
    "err.not_xlsx": T("{path} : le fichier de sortie doit avoir l’extension .xlsx.",
                      "{path}: the output file must end in .xlsx."),
    "err.lang": T("langue inconnue « {lang} » (fr ou en).", "unknown language “{lang}” (fr or en)."),
    "err.currency": T("devise inconnue « {currency} » ; devises connues : {known}.",
                      "unknown currency “{currency}”; known: {known}."),
    "err.year": T("année {year} hors limites (2000 à 2100).", "year {year} is out of range (2000 to 2100)."),
    "err.actions": T("--actions doit être compris entre 1 et {max}.", "--actions must be between 1 and {max}."),
    "err.template_unknown": T("modèle inconnu « {name} » ; modèles disponibles : {known}.",
                              "unknown template “{name}”; available: {known}."),
    "err.template_bad": T("modèle {name} invalide : {detail}", "invalid template {name}: {detail}"),
    "err.write": T("impossible d’écrire {path} : {detail}", "cannot write {path}: {detail}"),
    "err.data": T("fichier de contenu {path} illisible : {detail}", "cannot read the content file {path}: {detail}"),
    "cli.created": T("Classeur créé : {path} (modèle {template}, {rows} lignes d’actions, {lang}).",
                     "Workbook created: {path} (template {template}, {rows} action rows, {lang})."),
    "cli.created_plain": T("Classeur créé : {path} (modèle {template}, {lang}).",
                           "Workbook created: {path} (template {template}, {lang})."),
    "cli.error": T("erreur", "error"),
    "err.refresh_same": T("{path} : le classeur rafraîchi est un nouveau fichier ; il ne remplace jamais le plan lu.",
                          "{path}: the refreshed workbook is a new file; it never replaces the plan it reads."),
    "err.not_ics": T("{path} : le calendrier s’écrit dans un fichier .ics.", "{path}: the calendar is written to an .ics file."),
    "err.parquet": T("le format Parquet demande pyarrow : pip install \"pac-excel[parquet]\".",
                     "Parquet needs pyarrow: pip install \"pac-excel[parquet]\"."),
    "err.export_to": T("format de tables inconnu « {to} » (csv, parquet, xlsx).", "unknown table format “{to}” (csv, parquet, xlsx)."),
    "err.export_both": T("des fichiers ou --review/--all-reviews, pas les deux.", "files or --review/--all-reviews, not both."),
    "err.export_none": T("aucun fichier ni dossier à exporter (ou --review / --all-reviews).",
                         "no file or folder to export (or --review / --all-reviews)."),
    "err.input_missing": T("{path} : introuvable ; rien n’est écrit.", "{path}: not found; nothing is written."),
    "cli.exported": T("{n} fichier(s) écrit(s) dans {out} ({counts}).", "{n} file(s) written in {out} ({counts})."),
    "err.room": T("--actions doit être positif ou nul.", "--actions must be zero or more."),
    "cli.refreshed": T("Classeur rafraîchi : {path} (modèle {template} {version}, {actions} actions et {room} lignes "
                       "libres, {lang}) ; lu dans {source} ({origin}).",
                       "Refreshed workbook: {path} (template {template} {version}, {actions} actions and {room} empty "
                       "rows, {lang}); read from {source} ({origin})."),
    "cli.origin_foreign": T("classeur fait main", "home-made workbook"),
    "cli.origin": T("modèle {template} {version}", "template {template} {version}"),
    "diff.title": T("Ce qui a changé dans le plan", "What changed in the plan"),
    "diff.sheet.summary": T("Synthèse", "Summary"),
    "diff.sheet.changes": T("Modifications", "Changes"),
    "diff.sheet.added": T("Actions ajoutées", "Added actions"),
    "diff.sheet.removed": T("Actions retirées", "Removed actions"),
    "diff.sheet.indicators": T("Indicateurs", "Indicators"),
    "diff.figure": T("Total", "Total"),
    "diff.before": T("Avant", "Before"),
    "diff.after": T("Après", "After"),
    "diff.change": T("Variation", "Change"),
    "diff.action": T("Action", "Action"),
    "diff.field": T("Champ", "Field"),
    "diff.indicator": T("Indicateur", "Indicator"),
    "diff.added": T("Ajoutées", "Added"),
    "diff.removed": T("Retirées", "Removed"),
    "diff.changed": T("Modifiées", "Changed"),
    "diff.days": T("{n:+d} j", "{n:+d} d"),
    "diff.none": T("Aucun changement.", "No change."),
    "trend.title": T("Évolution du plan au fil des revues", "How the plan moves over the reviews"),
    "trend.sheet": T("Évolution", "Trend"),
    "trend.sheet.indicators": T("Indicateurs", "Indicators"),
    "trend.review": T("Revue", "Review"),
    "trend.attainment": T("Taux d’atteinte moyen (actions)", "Average attainment (actions)"),
    "trend.kpi_attainment": T("Taux d’atteinte moyen (indicateurs)", "Average attainment (indicators)"),
    "trend.chart.budget": T("Budget prévu et réel", "Planned and actual budget"),
    "trend.chart.revenue": T("CA attendu et réalisé", "Expected and actual revenue"),
    "trend.chart.actions": T("Actions, terminées, en retard", "Actions, done, late"),
    "trend.chart.indicators": T("Indicateurs : dernière valeur à chaque revue", "Indicators: latest value at each review"),
    "hist.added": T("ajouté : {path} → « {team} », revue {review} ({actions} action(s), {problems} problème(s))",
                    "added: {path} → “{team}”, review {review} ({actions} action(s), {problems} problem(s))"),
    "hist.duplicate": T("déjà enregistré : {path} (mêmes octets pour « {team} », revue {review}) — rien d’ajouté",
                        "already recorded: {path} (same bytes for “{team}”, review {review}) — nothing added"),
    "hist.rejected": T("refusé : {path} — {message}", "rejected: {path} — {message}"),
    "hist.empty": T("L’historique est vide : `pac-excel history add FICHIER --review LIBELLÉ` y enregistre un plan.",
                    "The history is empty: `pac-excel history add FILE --review LABEL` records a plan."),
    "hist.current": T("actuel", "current"),
    "web.tagline": T("Plan d’action commercial", "Sales action plan"),
    "web.director": T("Espace directeur", "Director"),
    "web.campaigns": T("Campagnes", "Campaigns"),
    "web.logout": T("Se déconnecter", "Sign out"),
    "web.home.title": T("Votre plan d’action commercial, prêt à remplir et vérifié", "Your sales action plan, ready to fill and checked"),
    "web.new.title": T("Télécharger un classeur vierge", "Download a blank workbook"),
    "web.new.button": T("Télécharger le classeur", "Download the workbook"),
    "web.template": T("Modèle", "Template"),
    "web.language": T("Langue", "Language"),
    "web.currency": T("Devise des montants", "Currency of the amounts"),
    "web.company": T("Entreprise", "Company"),
    "web.team": T("Équipe", "Team"),
    "web.teams": T("Équipes", "Teams"),
    "web.year": T("Année", "Year"),
    "web.rows": T("Lignes d’actions", "Action rows"),
    "web.analyze.title": T("Analyser un classeur", "Analyse a workbook"),
    "web.analyze.text": T("Totaux, répartitions, retards, écarts, indicateurs et chaque problème avec sa feuille et sa cellule.",
                          "Totals, breakdowns, late actions, shortfalls, indicators and every problem with its sheet and cell."),
    "web.analyze.button": T("Analyser", "Analyse"),
    "web.analyze.kept": T("Rien de ce qui est envoyé ici n’est conservé.", "Nothing sent here is kept."),
    "web.file": T("Fichier", "File"),
    "web.report.title": T("Analyse", "Analysis"),
    "web.dl.report": T("Rapport .xlsx", "Report .xlsx"),
    "web.back": T("Retour", "Back"),
    "web.problems": T("Problèmes", "Problems"),
    "web.no_problem": T("Aucun problème.", "No problem."),
    "web.severity": T("Gravité", "Severity"),
    "web.where": T("Où", "Where"),
    "web.message": T("Message", "Message"),
    "web.todo": T("Que faire", "What to do"),
    "web.login.title": T("Espace directeur", "Director sign-in"),
    "web.login.token": T("Jeton d’accès", "Access token"),
    "web.login.button": T("Se connecter", "Sign in"),
    "web.login.help": T("Le jeton est affiché une fois au premier démarrage de `pac-excel serve` (ou fixé par "
                        "PAC_EXCEL_ADMIN_TOKEN).", "The token is printed once when `pac-excel serve` first starts "
                        "(or set by PAC_EXCEL_ADMIN_TOKEN)."),
    "web.login.bad": T("Jeton incorrect.", "Wrong token."),
    "web.c.name": T("Campagne", "Campaign"),
    "web.c.review": T("Revue", "Review"),
    "web.c.deadline": T("Date limite", "Deadline"),
    "web.c.new": T("Nouvelle campagne", "New campaign"),
    "web.c.teams": T("Équipes attendues (une par ligne ; « nom;e-mail » pour noter un e-mail)",
                     "Expected teams (one per line; “name;e-mail” to note an e-mail)"),
    "web.c.create": T("Créer la campagne", "Create the campaign"),
    "web.board": T("Tableau de suivi", "Board"),
    "web.status": T("Statut", "Status"),
    "web.st.received": T("reçu", "received"),
    "web.st.late": T("en retard", "late"),
    "web.st.invalid": T("avec erreurs", "has errors"),
    "web.st.missing": T("manquant", "missing"),
    "web.last_upload": T("Dernier envoi", "Last upload"),
    "web.uploads": T("Envois", "Uploads"),
    "web.link": T("Lien de l’équipe", "Team link"),
    "web.revoke": T("Révoquer", "Revoke"),
    "web.revoked": T("lien révoqué", "link revoked"),
    "web.consolidated": T("Plan consolidé", "Consolidated plan"),
    "web.dl.consolidated": T("Classeur consolidé", "Consolidated workbook"),
    "web.by_team": T("Budget prévu par équipe", "Planned budget by team"),
    "web.diff": T("Ce qui a changé depuis la revue précédente", "What changed since the previous review"),
    "web.after_deadline": T("date limite passée : un envoi sera marqué en retard", "deadline passed: an upload is marked late"),
    "web.team.download": T("Télécharger votre plan", "Download your plan"),
    "web.team.download_text": T("Votre classeur, au nom de votre équipe ; s’il existe, votre plan de la revue précédente y est repris.",
                                "Your workbook, in your team’s name; your plan of the previous review is in it if there is one."),
    "web.team.download_button": T("Télécharger le classeur", "Download the workbook"),
    "web.team.upload": T("Envoyer le plan rempli", "Send the filled plan"),
    "web.team.upload_button": T("Envoyer", "Send"),
    "web.team.calendar": T("Calendrier (.ics)", "Calendar (.ics)"),
    "web.team.calendar_text": T("actions, tâches et rituels de votre dernier envoi, à importer dans votre agenda",
                                "actions, tasks and rituals of your last upload, to import into your calendar"),
    "web.team.history": T("Vos envois", "Your uploads"),
    "web.v.accepted": T("Plan reçu.", "Plan received."),
    "web.v.duplicate": T("ce fichier avait déjà été envoyé", "this file had been sent already"),
    "web.v.late": T("après la date limite", "after the deadline"),
    "web.v.errors": T("{n} erreur(s) à corriger, puis renvoyer le fichier", "{n} error(s) to fix, then send the file again"),
    "web.v.rejected": T("Fichier refusé", "File refused"),
    "web.not_found": T("Page introuvable.", "Page not found."),
    "web.err.name": T("nom de campagne et revue : non vides, 200 caractères au plus", "campaign name and review: non-empty, 200 characters at most"),
    "web.err.deadline": T("date limite attendue au format AAAA-MM-JJ", "deadline expected as YYYY-MM-DD"),
    "web.err.teams": T("au moins une équipe, chacune une fois, 200 caractères au plus", "at least one team, each once, 200 characters at most"),
    "web.token": T("Jeton du directeur (affiché cette seule fois, gardé haché) : {token}",
                   "Director token (shown this once, kept hashed): {token}"),
    "web.listening": T("pac-excel sert sur {url} (Ctrl+C pour arrêter)", "pac-excel serving on {url} (Ctrl+C to stop)"),
    "cal.name": T("Plan d’action commercial", "Sales action plan"),
    "cal.task": T("Tâche :", "Task:"),
    "cli.calendar": T("Calendrier écrit : {path} ({n} évènement(s)).", "Calendar written: {path} ({n} event(s))."),
    "refresh.formula_restored": T("formule rétablie ({column}) ; la valeur saisie « {value} » est remplacée par le calcul.",
                                  "formula restored ({column}); the typed value “{value}” gives way to the computation."),
    "refresh.row_into_table": T("ligne {row} saisie sous le tableau : elle en fait maintenant partie (formules, "
                                "listes, tableau de bord).", "row {row} typed below the table: now inside it "
                                "(formulas, dropdowns, dashboard)."),
    "refresh.numbered": T("l’action « {action} » n’avait pas de N° : elle reçoit le {no}.",
                          "action “{action}” had no number: it gets {no}."),
    "refresh.relabelled": T("{n} valeur(s) de la colonne « {column} » écrite(s) comme dans la liste déroulante.",
                            "{n} value(s) of column “{column}” written as in the dropdown list."),
    "refresh.currency_set": T("devise {value} remplacée par {expected} : les montants sont repris tels quels, "
                              "sans conversion.", "currency {value} replaced by {expected}: the amounts are carried "
                              "as they are, not converted."),
    "refresh.listed": T("ajouté(s) à la liste « {list} » : {values}.", "added to the list “{list}”: {values}."),
    "refresh.list_full": T("la liste « {list} » est pleine : {values} n’y figure(nt) pas (valeurs gardées dans le plan).",
                           "the list “{list}” is full: {values} not added (the values stay in the plan)."),
    "refresh.column_dropped": T("la colonne « {column} » n’existe pas dans ce modèle : {n} valeur(s) non reprise(s). "
                                "Choisir un autre modèle avec --template pour la garder.",
                                "column “{column}” does not exist in this template: {n} value(s) not carried over. "
                                "Choose another template with --template to keep it."),
    "refresh.column_left": T("colonne « {column} » ajoutée au tableau : {n} valeur(s) non reprise(s) (aucun modèle "
                             "n’a cette colonne ; les recopier dans Analyse des écarts ou Moyens si besoin).",
                             "column “{column}” added to the table: {n} value(s) not carried over (no template has "
                             "this column; copy them into Variance analysis or Means if needed)."),
    "refresh.duplicate_left": T("seconde colonne « {column} » : {n} valeur(s) non reprise(s) (seule la première "
                                "est lue).", "second column “{column}”: {n} value(s) not carried over (only the first "
                                "is read)."),
    "refresh.sheet_left": T("feuille « {sheet} » : {n} cellule(s) non reprise(s) (le modèle n’a pas cette feuille).",
                            "sheet “{sheet}”: {n} cell(s) not carried over (the template has no such sheet)."),
    "refresh.outside_left": T("{n} cellule(s) hors des tableaux (titres, notes) non reprise(s).",
                              "{n} cell(s) outside the tables (titles, notes) not carried over."),
    "refresh.table_dropped": T("le tableau « {table} » n’existe pas dans ce modèle : {n} ligne(s) non reprise(s). "
                               "Choisir un autre modèle avec --template pour le garder.",
                               "table “{table}” does not exist in this template: {n} row(s) not carried over. "
                               "Choose another template with --template to keep it."),
    "err.same_file": T("{path} : le rapport ne peut pas remplacer le fichier analysé.",
                       "{path}: the report cannot replace the file being analysed."),
    "read.missing": T("{path} : fichier introuvable.", "{path}: file not found."),
    "read.format": T("{path} : format « {suffix} » non pris en charge ; enregistrez le classeur en .xlsx "
                     "(formats lus : xlsx, xlsm, xls, ods).",
                     "{path}: format “{suffix}” not supported; save the workbook as .xlsx "
                     "(formats read: xlsx, xlsm, xls, ods)."),
    "read.password": T("{path} : classeur protégé par un mot de passe ; enregistrez-le sans mot de passe.",
                       "{path}: workbook protected by a password; save it without one."),
    "read.unreadable": T("{path} : illisible comme classeur, bien que son enveloppe soit intacte ; ouvrez-le dans "
                         "Excel ou LibreOffice et enregistrez-le de nouveau en .xlsx.",
                         "{path}: unreadable as a workbook, although its container is intact; open it in Excel or "
                         "LibreOffice and save it again as .xlsx."),
    "read.empty": T("{path} : fichier vide (0 octet).", "{path}: empty file (0 bytes)."),
    "read.truncated": T("{path} : classeur tronqué ou endommagé ({container}) ; renvoyez le fichier d’origine.",
                        "{path}: truncated or damaged workbook ({container}); send the original file again."),
    "container.zip": T("archive ZIP incomplète ou abîmée", "incomplete or damaged ZIP archive"),
    "container.ole": T("fichier composé OLE abîmé", "damaged OLE compound file"),
    "read.not_spreadsheet": T("{path} : ce n’est pas un classeur mais {kind}.", "{path}: not a workbook but {kind}."),
    "kind.image": T("une image", "an image"),
    "kind.pdf": T("un document PDF", "a PDF document"),
    "kind.archive": T("une archive compressée", "a compressed archive"),
    "kind.rtf": T("un document RTF", "an RTF document"),
    "kind.word": T("un document Word", "a Word document"),
    "kind.presentation": T("une présentation", "a presentation"),
    "kind.document": T("un document OpenDocument autre qu’un tableur", "an OpenDocument file that is no spreadsheet"),
    "kind.ole": T("un fichier OLE sans classeur (document Word ou PowerPoint ancien ?)",
                  "an OLE file holding no workbook (an old Word or PowerPoint document?)"),
    "kind.html": T("une page HTML", "an HTML page"),
    "kind.xml": T("un fichier XML", "an XML file"),
    "kind.text": T("du texte (CSV ?)", "text (CSV?)"),
    "kind.binary": T("des données binaires d’un type inconnu", "binary data of an unknown type"),
    "skip.lock_file": T("fichier de verrouillage d’Excel ou de LibreOffice", "Excel or LibreOffice lock file"),
    "skip.duplicate": T("copie identique de {path}", "identical copy of {path}"),
    "read.bomb": T("{path} : refusé, archive anormale (bombe de décompression ?) : {detail}.",
                   "{path}: refused, abnormal archive (decompression bomb?): {detail}."),
    "read.unsafe": T("{path} : refusé, contenu XML dangereux (déclaration DOCTYPE/ENTITY dans {part}).",
                     "{path}: refused, unsafe XML content (DOCTYPE/ENTITY declaration in {part})."),
    "read.timeout": T("{path} : abandonné, lecture plus longue que {seconds} s.",
                      "{path}: given up, reading took longer than {seconds} s."),
    "read.file_too_large": T("{path} : fichier de {size}, au-delà de ce que l’historique garde ({limit}).",
                             "{path}: a file of {size}, beyond what the history keeps ({limit})."),
    "store.url": T("adresse de base de données invalide « {url} » : {detail}. Forme attendue : "
                   "sqlite:////chemin/historique.db ou postgresql+psycopg://utilisateur@hôte/base.",
                   "invalid database URL “{url}”: {detail}. Expected: sqlite:////path/history.db or "
                   "postgresql+psycopg://user@host/db."),
    "store.open": T("impossible d’ouvrir l’historique {url} : {detail}", "cannot open the history {url}: {detail}"),
    "store.newer": T("l’historique {url} a été écrit par une version plus récente de pac-excel (schéma {version}) : "
                     "il n’est pas modifié ; mettez pac-excel à jour.",
                     "the history {url} was written by a newer pac-excel (schema {version}): it is left untouched; "
                     "upgrade pac-excel."),
    "store.no_submission": T("aucun plan de l’équipe « {team} » pour la revue « {review} ».",
                             "no plan of team “{team}” for review “{review}”."),
    "store.no_review": T("aucune revue « {review} » dans l’historique.", "no review “{review}” in the history."),
    "err.label": T("{option} : un nom non vide de 200 caractères au plus.",
                   "{option}: a non-empty name of at most 200 characters."),
    "read.too_large": T("{path} : abandonné, lecture au-delà de {mib} Mio de mémoire.",
                        "{path}: given up, reading needed more than {mib} MiB of memory."),
    "read.aborted": T("{path} : abandonné, le processus de lecture s’est arrêté net (limite de {mib} Mio de "
                      "mémoire atteinte dans la bibliothèque de lecture, ou défaut de celle-ci).",
                      "{path}: given up, the reading process stopped dead (the {mib} MiB memory bound reached "
                      "inside the reading library, or a fault of that library)."),
    "read.too_many_cells": T("{path} : la feuille « {sheet} » va jusqu’à la cellule {cell}, soit une grille de {cells} "
                             "cellules (limite : {limit}) : elle n’est pas lue. Une valeur tapée au loin ? Effacez les "
                             "lignes et colonnes au-delà du tableau (Ctrl+Fin montre la dernière cellule), puis "
                             "enregistrez.",
                             "{path}: sheet “{sheet}” reaches cell {cell}, a grid of {cells} cells (limit: {limit}): "
                             "it is not read. A value typed far away? Delete the rows and columns beyond the table "
                             "(Ctrl+End shows the last cell), then save."),
    "read.too_many_cells_any": T("{path} : une feuille s’étend sur {cells} cellules (limite : {limit}) : le classeur "
                                 "n’est pas lu. Une valeur tapée au loin ? Effacez les lignes et colonnes au-delà des "
                                 "tableaux (Ctrl+Fin montre la dernière cellule), puis enregistrez.",
                                 "{path}: a sheet spans {cells} cells (limit: {limit}): the workbook is not read. A "
                                 "value typed far away? Delete the rows and columns beyond the tables (Ctrl+End shows "
                                 "the last cell), then save."),
    "read.no_table": T("{path} : aucun tableau d’actions trouvé (en-têtes attendus : Action, Qui, Budget, Date fin…).",
                       "{path}: no action table found (expected headers: Action, Owner, Budget, End date…)."),
    # ---- analysis reports
    "rep.title": T("Analyse du plan d’action commercial", "Sales action plan analysis"),
    "rep.as_of": T("au", "as of"),
    "rep.totals": T("Totaux", "Totals"),
    "rep.figure": T("Indicateur", "Figure"),
    "rep.value": T("Valeur", "Value"),
    "rep.by_category": T("Par catégorie", "By category"),
    "rep.by_owner": T("Par responsable", "By owner"),
    "rep.by_status": T("Par statut", "By status"),
    "rep.late": T("Actions en retard", "Late actions"),
    "rep.worst": T("Plus grands écarts (taux d’atteinte le plus bas)", "Largest shortfalls (lowest attainment)"),
    "rep.problems": T("Problèmes", "Problems"),
    "rep.none": T("aucun", "none"),
    "rep.blank": T("(non renseigné)", "(blank)"),
    "rep.name": T("Nom", "Name"),
    "rep.where": T("Où", "Where"),
    "rep.sheet": T("Feuille", "Sheet"),
    "rep.row": T("Ligne", "Row"),
    "rep.cell": T("Cellule", "Cell"),
    "rep.result": T("Résultat", "Result"),
    "rep.days_late": T("Jours de retard", "Days late"),
    "rep.severity": T("Gravité", "Severity"),
    "sev.error": T("erreur", "error"),
    "sev.warning": T("avertissement", "warning"),
    "rep.sheet.summary": T("Synthèse", "Summary"),
    "rep.sheet.variances": T("Écarts", "Variances"),
    "rep.sheet.late": T("Retards", "Late"),
    "rep.sheet.kpis": T("Indicateurs", "Indicators"),
    "rep.sheet.problems": T("Problèmes", "Problems"),
    "cli.report": T("Rapport écrit : {path}", "Report written: {path}"),
    "cli.bad_date": T("date invalide « {value} » (attendu AAAA-MM-JJ)", "invalid date “{value}” (expected YYYY-MM-DD)"),
    # ---- consolidation
    "cons.title": T("Consolidation des plans d’action", "Consolidated action plans"),
    "cons.files_line": T("{ok} fichier(s) consolidé(s), {rejected} rejeté(s), {skipped} ignoré(s)",
                         "{ok} file(s) consolidated, {rejected} rejected, {skipped} skipped"),
    "cons.by_currency": T("Totaux par devise", "Totals by currency"),
    "cons.by_team": T("Par équipe", "By team"),
    "cons.file": T("Fichier", "File"),
    "cons.status": T("Statut", "Status"),
    "cons.reason": T("Raison", "Reason"),
    "cons.detected": T("Lignes détectées", "Rows detected"),
    "cons.consolidated": T("Lignes consolidées", "Rows consolidated"),
    "cons.ignored": T("Lignes ignorées", "Rows ignored"),
    "cons.rejected": T("Lignes rejetées", "Rows rejected"),
    "cons.st.ok": T("consolidé", "ok"),
    "cons.st.rejected": T("rejeté", "rejected"),
    "cons.st.skipped": T("ignoré", "skipped"),
    "cons.sheet.journal": T("Journal", "Log"),
    "cons.done": T("{ok} consolidé(s), {rejected} rejeté(s), {skipped} ignoré(s) · {actions} actions · budget prévu {budget}"
                   " · {problems} problème(s) · sortie : {out}", "{ok} ok, {rejected} rejected, {skipped} skipped · "
                   "{actions} actions · planned budget {budget} · {problems} problem(s) · output: {out}"),
    "cons.strict": T("--strict : {n} fichier(s) rejeté(s), rien n’a été écrit.",
                     "--strict: {n} file(s) rejected, nothing was written."),
    "cons.none": T("aucun fichier de plan trouvé dans les entrées.", "no plan file found in the inputs."),
    "cons.reading": T("Lecture des plans", "Reading plans"),
    "err.output_is_input": T("{path} est aussi une entrée : pac-excel n’écrit jamais dans un fichier lu.",
                             "{path} is also an input: pac-excel never writes into a file it reads."),
    # ---- validation messages
    "val.date.title": T("Date", "Date"),
    "val.date.msg": T("Saisissez une date au format jj/mm/aaaa.", "Enter a date (dd/mm/yyyy)."),
    "val.date.err": T("Ce n’est pas une date valide entre 2000 et 2100. Format attendu : jj/mm/aaaa.",
                      "This is not a valid date between 2000 and 2100. Expected: dd/mm/yyyy."),
    "val.end.msg": T("Date de fin, au format jj/mm/aaaa ; elle ne peut pas précéder la date de début.",
                     "End date (dd/mm/yyyy); it cannot be before the start date."),
    "val.end.err": T("La date de fin doit être une date postérieure ou égale à la date de début.",
                     "The end date must be a date on or after the start date."),
    "val.money.title": T("Montant en euros", "Amount in euros"),
    "val.money.msg": T("Montant positif ou nul, en euros, sans texte (ex. 2000).",
                       "An amount of zero or more, in euros, numbers only (e.g. 2000)."),
    "val.money.err": T("Saisissez un montant positif ou nul, en chiffres.", "Enter an amount of zero or more, as a number."),
    "val.percent.title": T("% d’avancement", "% done"),
    "val.percent.msg": T("De 0 % à 100 % ; à 100 %, l’action compte comme terminée (jamais en retard).",
                         "From 0 % to 100 %; at 100 % the action counts as done (never late)."),
    "val.percent.err": T("Saisir un pourcentage entre 0 % et 100 %.", "Enter a percentage between 0 % and 100 %."),
    "val.number.title": T("Nombre", "Number"),
    "val.number.msg": T("Saisissez un nombre (sans unité).", "Enter a number (no unit)."),
    "val.number.err": T("Saisissez un nombre, sans texte ni unité.", "Enter a number, without text or unit."),
    "val.int.err": T("Saisissez un nombre entier positif.", "Enter a positive whole number."),
    "val.list.title": T("Choix dans la liste", "Pick from the list"),
    "val.list.msg": T("Choisissez une valeur dans la liste déroulante.", "Pick a value from the dropdown list."),
    "val.list.err": T("Cette valeur n’est pas dans la liste. Choisissez-en une dans la liste déroulante "
                      "(la feuille Listes contient les valeurs).",
                      "This value is not in the list. Pick one from the dropdown (the Lists sheet holds the values)."),
    "val.owner.msg": T("Choisissez un responsable ; la liste se complète sur la feuille Listes.",
                       "Pick an owner; add names to the list on the Lists sheet."),
    "val.owner.err": T("Ce nom n’est pas dans la liste des responsables (feuille Listes). L’accepter quand même ?",
                       "This name is not in the owners list (Lists sheet). Keep it anyway?"),
    "val.objective.msg": T("Choisissez l’ID de l’objectif stratégique (OBJ-1…) que sert cette ligne.",
                           "Pick the ID of the strategic objective (OBJ-1…) this row serves."),
    "val.objective.err": T("Cet ID n’est pas dans le tableau des objectifs (feuille Stratégie). L’accepter quand même ?",
                           "This ID is not in the objectives table (Strategy sheet). Keep it anyway?"),
    "val.target.msg": T("Objectif chiffré de l’action (ex. 40 contacts). Le résultat obtenu se saisit dans la "
                        "même unité.", "Numeric target of the action (e.g. 40 contacts). Enter the result in the same unit."),
    # ---- titles
    "strategy.title": T("Stratégie commerciale", "Sales strategy"),
    "strategy.vision": T("Vision à 5 ans", "5-year vision"),
    "strategy.vision.hint": T("Où voulons-nous être dans 5 ans ? Une phrase, concrète et mesurable.",
                              "Where do we want to be in 5 years? One concrete, measurable sentence."),
    "strategy.mix": T("Mix marketing", "Marketing mix"),
    "strategy.swot": T("Diagnostic SWOT", "SWOT analysis"),
    "objective.title": T("Fiche de suivi d’objectif", "Objective follow-up sheet"),
    "objective.reminder": T("Rappel de la stratégie", "Strategy reminder"),
    "objective.objective": T("Objectif défini", "Objective"),
    "objective.deadline": T("Date butoir", "Deadline"),
    "objective.budget": T("Budget total des tâches", "Total task budget"),
    "objective.done": T("Tâches terminées", "Tasks done"),
    "objective.kpi": T("Taux d’atteinte moyen des indicateurs", "Average indicator attainment"),
    "objective.rule": T("1 plan d’action = 1 objectif.", "1 action plan = 1 objective."),
    "revenue.title": T("Objectifs de chiffre d’affaires", "Revenue targets"),
    "revenue.annual": T("Objectif de CA annuel", "Annual revenue target"),
    "revenue.year": T("Année", "Year"),
    "revenue.hint": T("Saisissez l’objectif annuel, ajustez les poids saisonniers (1 = mois moyen) et le CA réalisé "
                      "chaque mois ; le reste se calcule.",
                      "Enter the annual target, adjust the seasonal weights (1 = average month) and the actual revenue "
                      "each month; the rest is computed."),
    "revenue.quarters": T("Par trimestre", "By quarter"),
    "revenue.q": T("T", "Q"),
    "planning.title": T("Planning des actions", "Action schedule"),
    "rep.pipeline": T("Pipeline", "Pipeline"),
    "rep.funnel": T("Prospection (loi des nombres)", "Prospecting (law of numbers)"),
    "rep.needed": T("Nécessaire", "Needed"),
    "rep.pipeline.open": T("Opportunités ouvertes", "Open opportunities"),
    "funnel.factor": T("Coefficient", "Factor"),
    "funnel.stage.msg": T("Démarrage : ×3 à chaque étape en amont ; développement : ×2 (la loi des nombres).",
                          "Starting out: ×3 at each stage upstream; developing: ×2 (the law of numbers)."),
    "funnel.hint": T("Saisissez chaque mois les contacts, rendez-vous, propositions et signatures, et l’objectif de "
                     "signatures : les taux de transformation et les volumes nécessaires en amont se calculent.",
                     "Each month, enter contacts, meetings, proposals and signatures, and the signing target: "
                     "conversion rates and the volumes needed upstream are computed."),
    "sheet.funnel": T("l’entonnoir de prospection mois par mois : taux de transformation et volumes nécessaires "
                      "(loi des nombres)", "the prospecting funnel month by month: conversion rates and volumes "
                      "needed (law of numbers)"),
    "pipeline.stages": T("Étapes et probabilités de signature (modifiables)", "Stages and win probabilities (editable)"),
    "pipeline.by_month": T("Pipeline pondéré par mois de signature prévue", "Weighted pipeline by expected close month"),
    "pipeline.month": T("Mois", "Month"),
    "pipeline.gap": T("Écart à l’objectif", "Gap to target"),
    "pipeline.coverage": T("Couverture", "Coverage"),
    "planning.hint": T("Calculé à partir des dates du Plan d’actions. Bleu : prévu · vert : terminé · rouge : en retard"
                       " · gris : abandonné · jaune, cadre rouge : le mois en cours (aujourd’hui).",
                       "Computed from the Action plan dates. Blue: planned · green: done · red: late · grey: "
                       "cancelled · yellow, red frame: the current month (today)."),
    "dashboard.title": T("Tableau de bord", "Dashboard"),
    "dashboard.summary": T("Synthèse", "Summary"),
    "dashboard.by_status": T("Actions par statut", "Actions by status"),
    "dashboard.by_category": T("Budget par catégorie", "Budget by category"),
    "dashboard.by_owner": T("Par responsable", "By owner"),
    "dashboard.revenue": T("Chiffre d’affaires", "Revenue"),
    "dashboard.kpi_chart": T("Taux d’atteinte des indicateurs", "Indicator attainment"),
    "dashboard.rev_chart": T("CA mensuel : objectif et réalisé", "Monthly revenue: target and actual"),
    "kpi.actions": T("Actions", "Actions"),
    "kpi.done": T("Actions terminées", "Actions done"),
    "kpi.late": T("Actions en retard", "Late actions"),
    "kpi.budget_variance": T("Écart budget (actions avec budget réel)", "Budget variance (actions with an actual)"),
    "kpi.budget_unspent": T("Budget prévu pas encore dépensé", "Planned budget not yet spent"),
    "kpi.revenue_expected": T("CA attendu des actions", "Expected revenue of actions"),
    "kpi.revenue_actual": T("CA réalisé des actions", "Actual revenue of actions"),
    "kpi.roi": T("ROI global", "Overall ROI"),
    "kpi.attainment": T("Taux d’atteinte moyen (actions)", "Average attainment (actions)"),
    "kpi.kpi_attainment": T("Taux d’atteinte moyen (indicateurs)", "Average attainment (indicators)"),
    "kpi.rev_target": T("Objectif de CA annuel", "Annual revenue target"),
    "kpi.pipeline_weighted": T("Pipeline pondéré", "Weighted pipeline"),
    "kpi.rev_actual": T("CA réalisé cumulé", "Cumulative actual revenue"),
    "kpi.rev_progress": T("Avancement vers l’objectif annuel", "Progress towards annual target"),
    "col.count": T("Actions", "Actions"),
    "lists.title": T("Listes des menus déroulants", "Dropdown lists"),
    "lists.hint": T("Complétez la liste des responsables (colonne A) ; vous pouvez renommer les catégories et en "
                    "ajouter (20 au plus). Les autres listes sont utilisées par les formules et restent fixes.",
                    "Fill in the owners list (column A); you may rename the categories and add some (20 at most). "
                    "The other lists are used by formulas and stay fixed."),
    # ---- guide
    "guide.title": T("Plan d’action commercial — mode d’emploi", "Sales action plan — how to use"),
    "guide.intro": T(
        "Ce classeur traduit votre stratégie en actions concrètes : pour chaque action, qui la mène, avec quel "
        "budget, quand, pour quel objectif chiffré — puis le résultat obtenu et l’analyse des écarts. Les totaux, "
        "écarts, retards et le tableau de bord se calculent seuls, dans Excel comme dans LibreOffice.",
        "This workbook turns your strategy into concrete actions: for each action, who leads it, with what budget, "
        "when, for which numeric target — then the result obtained and the analysis of variances. Totals, "
        "variances, lateness and the dashboard compute themselves, in Excel and in LibreOffice."),
    "guide.legend": T("Légende", "Legend"),
    "guide.legend.input": T("Cellule à saisir", "Cell to fill in"),
    "guide.legend.computed": T("Cellule calculée : ne pas écraser (protégée quand la feuille l’est)",
                               "Computed cell: do not overwrite (locked when the sheet is protected)"),
    "guide.legend.header": T("En-tête d’une colonne à saisir", "Header of a column to fill in"),
    "guide.legend.header_c": T("En-tête d’une colonne calculée", "Header of a computed column"),
    "guide.fill": T("Comment le remplir", "How to fill it in"),
    "guide.fill.1": T("Saisissez d’abord la stratégie : vision, objectifs stratégiques (OBJ-1…) avec leur indicateur "
                      "et leurs valeurs initiale et cible.",
                      "Start with the strategy: vision, strategic objectives (OBJ-1…) with their indicator, initial "
                      "and target values."),
    "guide.fill.2": T("Complétez la liste des responsables sur la feuille Listes : elle alimente les menus « Qui ».",
                      "Fill in the owners list on the Lists sheet: it feeds the “Owner” dropdowns."),
    "guide.fill.3": T("Une ligne par action dans le Plan d’actions. Pour ajouter des lignes, tapez simplement sous "
                      "le tableau : il s’agrandit et recopie les formules.",
                      "One row per action in the Action plan. To add rows, just type below the table: it grows and "
                      "copies the formulas."),
    "guide.fill.4": T("Dates au format jj/mm/aaaa, montants en chiffres (2000, pas « 2 000 {mark} ») : les formats "
                      "s’appliquent seuls.", "Dates as dd/mm/yyyy, amounts as numbers (2000, not “2,000 {mark}”): "
                      "formats apply themselves."),
    "guide.fill.5": T("À chaque revue, mettez à jour Statut, Budget réel, Résultat obtenu et les valeurs mensuelles "
                      "des indicateurs, puis expliquez les écarts.",
                      "At each review, update Status, Actual budget, Actual result and the monthly indicator values, "
                      "then explain the variances."),
    "guide.method": T("La méthode en 8 étapes", "The method in 8 steps"),
    "guide.method.steps": T(
        "Partir de la stratégie commerciale et de la vision|"
        "Faire le bilan de la période écoulée : ce qui a marché, les obstacles|"
        "Observer les pratiques des concurrents|"
        "Préciser les cibles et les canaux pour les atteindre|"
        "Fixer des objectifs SMART : de résultat (CA, clients) et d’activité (appels, rendez-vous)|"
        "Choisir les actions de prospection, communication et fidélisation les plus utiles|"
        "Chiffrer chaque action (coût, CA attendu, délai) et les prioriser|"
        "Décrire les processus, désigner un responsable par action, puis piloter avec les indicateurs",
        "Start from the sales strategy and the vision|"
        "Review the past period: what worked, the obstacles|"
        "Look at how competitors work|"
        "Refine the targets and the channels to reach them|"
        "Set SMART objectives: results (revenue, clients) and activity (calls, meetings)|"
        "Pick the most useful prospecting, communication and loyalty actions|"
        "Put a figure on each action (cost, expected revenue, delay) and prioritise|"
        "Describe the processes, name one owner per action, then steer with the indicators"),
    "guide.review": T("Piloter", "Steering"),
    "guide.review.text": T(
        "Revoyez le plan chaque mois, au moins chaque trimestre : les actions en retard apparaissent en rouge, les "
        "dépassements de budget en orange, les taux d’atteinte en rouge / orange / vert (moins de 80 % / 80 à 99 % / "
        "100 % et plus). La loi des nombres : pour obtenir N résultats (rendez-vous, réponses), prévoyez au moins "
        "3 × N actions en phase de démarrage, 2 × N en développement.",
        "Review the plan every month, at least every quarter: late actions show in red, budget overruns in orange, "
        "attainment in red / amber / green (under 80 % / 80 to 99 % / 100 % and more). The law of numbers: to get "
        "N results (meetings, replies), plan at least 3 × N actions when starting out, 2 × N when developing."),
    "guide.sheets": T("Les feuilles", "The sheets"),
    "sheet.guide": T("cette page", "this page"),
    "sheet.strategy": T("vision, objectifs stratégiques, cibles, mix marketing, SWOT, bilan de la période écoulée",
                        "vision, strategic objectives, targets, marketing mix, SWOT, review of the past period"),
    "sheet.objective": T("l’objectif unique, son échéance et ses chiffres clés", "the single objective, its deadline "
                         "and key figures"),
    "sheet.actions": T("une ligne par action : qui, budget, dates, objectif, résultat, écarts",
                       "one row per action: owner, budget, dates, target, result, variances"),
    "sheet.tasks": T("le détail de chaque action en tâches", "each action broken down into tasks"),
    "sheet.kpis": T("indicateurs de suivi et de résultat, valeur initiale et cible, relevés mensuels",
                    "tracking and result indicators, initial and target values, monthly readings"),
    "sheet.revenue": T("objectif de CA réparti par trimestre et par mois, CA réalisé et écarts",
                       "revenue target split by quarter and month, actual revenue and variances"),
    "sheet.pipeline": T("les opportunités en cours : étape, probabilité de signature, montant pondéré, prochaine "
                        "étape ; le pipeline pondéré par mois face à l’objectif de CA",
                        "open deals: stage, win probability, weighted amount, next step; the weighted pipeline by "
                        "month against the revenue target"),
    "sheet.planning": T("diagramme de Gantt calculé à partir des dates des actions",
                        "Gantt chart computed from the action dates"),
    "sheet.rituals": T("les actions récurrentes à poser dans l’agenda", "recurring actions for the calendar"),
    "sheet.obstacles": T("freins possibles, leur cause et la solution", "possible obstacles, their cause and solution"),
    "sheet.dashboard": T("totaux, répartitions et graphiques, mis à jour seuls", "totals, breakdowns and charts, "
                         "updated by themselves"),
    "sheet.lists": T("les valeurs des menus déroulants ; la liste des responsables est à compléter",
                     "the values of the dropdowns; fill in the owners list"),
}


def tx(key: str, lang: str) -> str:
    return TX[key](lang)


def money(v: float | None, currency: str | None = schema.DEFAULT_CURRENCY) -> str:
    """An amount as French readers write it: 35\u202f500 €, 1\u202f234,56 CHF; "—" when unknown;
    no mark when the currency is unknown (``None``) — a home-made file whose headers name none."""
    if v is None:
        return "—"
    whole = f"{v:,.2f}".replace(",", "\u202f").replace(".", ",").removesuffix(",00")
    c = schema.CURRENCIES.get(currency or "")
    return f"{whole} {c.mark}" if c else whole


def column_label(key: str, lang: str, table: str = "actions") -> str:
    """A column's label, from the schema: the one place it is written."""
    return {"actions": schema.ACTIONS, "kpis": schema.KPIS}[table].column(key).label(lang)


def figure_label(name: str, lang: str) -> str:
    """The label of a total: its own text (``kpi.<key>``) where it says more than the column's
    ("CA attendu des actions"), else its column's."""
    key = name.removeprefix("kpi.")
    text = TX.get(f"kpi.{key}")
    return text(lang) if text is not None else column_label(key, lang)


def pipeline_summary_heads(lang: str, revenue: bool = True) -> list[str]:
    """The headers of the Pipeline sheet's monthly summary (the revenue target, gap and coverage
    only when the workbook has an Objectifs CA sheet): written by the generator, recognised by
    the reader as ours."""
    heads = [tx("pipeline.month", lang), schema.PIPELINE.column("weighted").label(lang)]
    if revenue:
        heads += [schema.REVENUE_COLUMNS[3].label(lang), tx("pipeline.gap", lang), tx("pipeline.coverage", lang)]
    return heads
