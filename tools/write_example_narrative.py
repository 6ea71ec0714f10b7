"""Write the example kommun's narrative (reports/<period>/<job>.qmd, status klar).

A development tool, not part of the package. The example kommun ships with written text
for every nämnd and period of 2022 so that its site reads like a finished report. That
text was drafted with this script from the executed notebooks of the example (tables,
assessments and key figures) and the short, hand-written passages below (events, causes,
measures and outlook, which are invented), then committed as the analysts' files.

    kommunrapport build --no-render          # in a copy of the repository
    python tools/write_example_narrative.py <the copy> [--skriv-over]

Every figure that has a key figure is cited with ``{{< meta nyckeltal.… >}}``, so the text
follows the data; other figures (a verksamhet's deviation, an indicator's value) are
written out from the tables, as an analyst would. Existing files are left alone unless
``--skriv-over`` is given. Like all the example's data, the text says it is invented.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from kommunrapport.data.loader import load_model  # noqa: E402
from kommunrapport.data.model import Kommunmodell, Period  # noqa: E402
from kommunrapport.data.paths import ProjectPaths  # noqa: E402
from kommunrapport.site.narrative import KOMMUN_JOB, period_jobs  # noqa: E402
from kommunrapport.site.scaffold import load_template  # noqa: E402

EXAMPLE_NOTE = (
    '::: {.callout-note title="Exempeltext"}\n'
    "Det här är exempelkommunens text. Den är påhittad och skriven för att visa hur en färdig "
    "rapport ser ut. Indikatorernas utfall från Kolada är verkliga; mål, ekonomi, aktiviteter "
    "och personaldata är påhittade.\n"
    ":::"
)

KIND_PERIOD = {
    "tertialrapport": "januari–april",
    "delårsrapport": "januari–augusti",
    "årsredovisning": "året",
}


def m(key: str) -> str:
    return f"{{{{< meta nyckeltal.{key} >}}}}"


def number(text: str) -> float | None:
    cleaned = text.replace("−", "-").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    match = re.match(r"^[+-]?\d+(\.\d+)?", cleaned)
    return float(match.group(0)) if match else None


# --- reading the executed notebooks --------------------------------------------------------


def tables(notebook: Path) -> dict[str, list[dict[str, str]]]:
    """label → rows (header → cell) of every Markdown table output."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out: dict[str, list[dict[str, str]]] = {}
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        label = re.search(r"#\| label: (\S+)", source)
        if cell["cell_type"] != "code" or not label:
            continue
        for output in cell.get("outputs", []):
            md = output.get("data", {}).get("text/markdown")
            if not md:
                continue
            text = "".join(md) if isinstance(md, list) else md
            lines = [ln for ln in text.splitlines() if ln.startswith("|")]
            if len(lines) < 3:
                continue
            head = [h.strip() for h in lines[0].strip("|").split("|")]
            rows = []
            for line in lines[2:]:
                cells = [c.strip().strip("*").strip() for c in line.strip("|").split("|")]
                rows.append(dict(zip(head, cells, strict=False)))
            out[label.group(1)] = rows
    return out


def key_figures(paths: ProjectPaths, period: str, job: str) -> dict[str, str]:
    data = yaml.safe_load(paths.key_figures_file(period, job).read_text(encoding="utf-8"))
    return {k: str(v) for k, v in data["nyckeltal"].items()}


# --- hand-written passages (invented) --------------------------------------------------------

HANDELSER: dict[str, dict[str, str]] = {
    "ks": {
        "tertialrapport": "Omikronvågen i januari och februari gav hög frånvaro i alla "
        "förvaltningar, och kommunens krisledning samordnade bemanningen till och med mars. "
        "Efter Rysslands invasion av Ukraina förberedde kommunstyrelsen mottagandet av "
        "människor på flykt, tillsammans med Migrationsverket och civilsamhället.",
        "delårsrapport": "Förberedelserna inför de allmänna valen i september tog stor del "
        "av kansliets tid under sommaren. Upphandlingen av ett nytt ekonomisystem påbörjades, "
        "och kommunen tog emot ett fyrtiotal personer från Ukraina enligt massflyktsdirektivet.",
        "årsredovisning": "Valet i september genomfördes utan större störningar och ett nytt "
        "kommunfullmäktige tillträdde i oktober. Under hösten steg energipriserna kraftigt; "
        "kommunstyrelsen beslutade om ett program för energibesparing i alla verksamheter.",
    },
    "bun": {
        "tertialrapport": "Frånvaron bland både elever och personal var hög under årets första "
        "månader. Ett sextiotal barn och elever från Ukraina skrevs in i förskola och skola "
        "under våren, vilket krävde fler studiehandledare på modersmål.",
        "delårsrapport": "Den nya läroplanen för grundskolan (Lgr22) började gälla den 1 juli. "
        "Två nya förskoleavdelningar öppnade i augusti, och upphandlingen av ett digitalt "
        "läromedel i matematik avbröts eftersom ingen leverantör klarade kraven på tillgänglighet.",
        "årsredovisning": "Under året infördes den nya läroplanen, två förskoleavdelningar "
        "öppnade och en gemensam rutin för tidig uppföljning av elever som riskerar att inte nå "
        "kunskapskraven togs i bruk på alla skolor. Bygget av den nya förskolan försenades.",
    },
    "sn": {
        "tertialrapport": "Behovet av placeringar av barn och unga på institution har ökat "
        "sedan hösten, och smittspridning på två särskilda boenden under januari krävde extra "
        "bemanning. Fler hushåll sökte ekonomiskt bistånd när priserna på mat och el steg.",
        "delårsrapport": "Kostnaderna för externa placeringar fortsatte att öka under sommaren. "
        "Hemtjänstens beviljade timmar ökade med sex procent jämfört med samma period förra året, "
        "och nämnden beslutade om en handlingsplan för en budget i balans.",
        "årsredovisning": "Året präglades av ett ökat behov av placeringar och av fler "
        "hemtjänsttimmar. Nämnden startade ett hemmaplansteam för barn och unga i september och "
        "förberedde införandet av skyddad yrkestitel för undersköterskor.",
    },
    "kfn": {
        "tertialrapport": "När de nationella restriktionerna hävdes i februari kom besökarna "
        "tillbaka till biblioteken, badhuset och idrottsanläggningarna. Föreningslivet startade "
        "sina verksamheter igen, och nämnden förberedde sommarlovets aktiviteter.",
        "delårsrapport": "Sommarlovsaktiviteterna nådde fler barn än förra året tack vare "
        "statsbidraget för avgiftsfria aktiviteter. Arbetet med den nya konstgräsplanen "
        "började i juni.",
        "årsredovisning": "Besöken på biblioteken ökade under året men nådde inte nivån före "
        "pandemin. Konstgräsplanen invigdes i oktober, och energipriserna gjorde driften av "
        "ishallen och badhuset dyrare under hösten.",
    },
    "sbn": {
        "tertialrapport": "En snörik vinter gav höga kostnader för vinterväghållningen i januari "
        "och februari. Priserna på drivmedel, asfalt och entreprenader steg kraftigt under våren.",
        "delårsrapport": "Materialbrist och höjda priser har försenat flera investeringsprojekt. "
        "Bytet av gatubelysning till LED fortsatte enligt plan och minskar elförbrukningen.",
        "årsredovisning": "Kostnaderna för energi, drivmedel och entreprenader låg högt hela året. "
        "Delar av investeringsbudgeten förs över till 2023 eftersom projekt har försenats.",
    },
    "bn": {
        "tertialrapport": "Antalet bygglovsansökningar var fortsatt högt under våren. Den nya "
        "e-tjänsten för bygglov togs i bruk i mars.",
        "delårsrapport": "Antalet bygglovsansökningar minskade under sommaren i takt med att "
        "räntorna steg. Handläggningstiderna kortades när e-tjänsten ersatte pappersansökningar.",
        "årsredovisning": "Under året kom cirka tio procent färre bygglovsansökningar än året "
        "innan, främst under hösten när räntorna steg. Alla nya detaljplaner tas fram digitalt.",
    },
    "mhn": {
        "tertialrapport": "Tillsynen av serveringsställen återupptogs fullt ut efter pandemin. "
        "Två av nämndens inspektörer slutade under våren, och rekryteringen pågår.",
        "delårsrapport": "Vakanserna bland inspektörerna har gjort att tillsynsplanen för "
        "livsmedel ligger efter. Nämnden har börjat förbereda efterhandsdebitering av "
        "livsmedelskontrollen, som blir ett krav 2024.",
        "årsredovisning": "Två inspektörer rekryterades under hösten, men tillsynsplanen för "
        "livsmedel kunde inte genomföras helt. Förberedelserna för efterhandsdebitering fortsatte.",
    },
}

ORSAK: dict[str, str] = {
    "ks": "Överskottet beror främst på vakanta tjänster och lägre kostnader för "
    "kompetensutveckling än planerat.",
    "bun": "Underskottet finns främst inom grundskola och fritidshem, där fler elever behöver "
    "särskilt stöd och skolskjutsarna har blivit dyrare. Förskolan går med överskott eftersom "
    "barnantalet minskar.",
    "sn": "Underskottet beror främst på fler och dyrare externa placeringar av barn och unga "
    "och på ökade kostnader för ekonomiskt bistånd.",
    "kfn": "Nämnden beräknas hålla budgeten; högre energikostnader för badhuset och ishallen "
    "vägs upp av vakanser och högre intäkter.",
    "sbn": "Avvikelsen beror på högre kostnader för vinterväghållning, energi och drivmedel.",
    "bn": "Överskottet beror främst på högre intäkter från bygglovsavgifter än budgeterat.",
    "mhn": "Avvikelsen beror på kostnader för inhyrda inspektörer under vakanserna.",
}

ATGARD: dict[str, str] = {
    "ks": "",
    "bun": "Förvaltningen har infört en prövning av alla nyanställningar och ser över "
    "organisationen av de särskilda undervisningsgrupperna.",
    "sn": "Nämnden har beslutat om en handlingsplan: fler hemmaplanslösningar för barn och "
    "unga i stället för externa placeringar, en översyn av hemtjänstens planering och "
    "striktare prövning av inhyrd personal.",
    "kfn": "",
    "sbn": "Förvaltningen prioriterar underhåll som inte kan skjutas upp och sänker "
    "inomhustemperaturen i kommunens lokaler.",
    "bn": "",
    "mhn": "När de nya inspektörerna är på plats behövs ingen inhyrd personal.",
}

FRAMTID: dict[str, str] = {
    "ks": "Den höga inflationen ger kraftigt ökade pensionskostnader 2023 och 2024, samtidigt "
    "som skatteintäkterna väntas växa långsammare. Kompetensförsörjningen är kommunens största "
    "långsiktiga risk, och digitaliseringen av service och administration behöver fortsätta.",
    "bun": "Antalet elever i grundskolan ökar fram till 2026 medan antalet barn i förskolan "
    "minskar, vilket kräver att lokaler och personal flyttas mellan verksamheterna. Bristen på "
    "behöriga lärare och förskollärare är den största risken för måluppfyllelsen.",
    "sn": "Antalet invånare över 80 år ökar snabbt de kommande åren, och behovet av hemtjänst "
    "och särskilt boende växer. Kompetensförsörjningen, en ny socialtjänstlag och kostnaderna "
    "för placeringar är de största riskerna för ekonomin.",
    "kfn": "Energipriserna är en risk för driften av badhuset och ishallen. Nämnden behöver "
    "planera för att badhuset närmar sig slutet av sin tekniska livslängd.",
    "sbn": "Underhållsbehovet i gator, broar och kommunens lokaler är större än budgeten. "
    "Fortsatt höga priser på energi och entreprenader gör att investeringarna behöver "
    "prioriteras hårdare.",
    "bn": "Stigande räntor väntas ge färre bygglovsansökningar och därmed lägre intäkter 2023. "
    "Nämnden fortsätter att digitalisera handläggningen.",
    "mhn": "Efterhandsdebitering av livsmedelskontrollen införs 2024 och kräver en ny taxa och "
    "nya rutiner. Rekryteringen av inspektörer är avgörande för att tillsynsplanen ska hållas.",
}

PERSONAL_ATGARD: dict[str, str] = {
    "ks": "Kommunstyrelsen har infört en modell för tidig kontakt vid korttidsfrånvaro i alla "
    "förvaltningar.",
    "bun": "Förvaltningen arbetar med arbetsbelastningen i förskolan och med tidiga insatser "
    "vid upprepad korttidsfrånvaro.",
    "sn": "Inom äldreomsorgen pågår ett arbete med heltid som norm och med schemaläggning som "
    "ger bättre återhämtning.",
    "kfn": "Nämnden följer upp frånvaron vid varje arbetsplatsträff.",
    "sbn": "Förvaltningen har satsat på friskvård och ergonomi för personalen i gatu- och "
    "parkverksamheten.",
    "bn": "Med få anställda kan enstaka långa sjukskrivningar ge stora utslag.",
    "mhn": "Med få anställda kan enstaka långa sjukskrivningar ge stora utslag.",
}

KOMMUN_HANDELSER: dict[str, str] = {
    "tertialrapport": "Årets första månader präglades av den sista vågen av pandemin, med hög "
    "sjukfrånvaro, och av Rysslands invasion av Ukraina, som ledde till att kommunen förberedde "
    "mottagandet av människor på flykt. Inflationen steg snabbt under våren.",
    "delårsrapport": "Inflationen och de stigande energipriserna har höjt kostnaderna i alla "
    "verksamheter, samtidigt som skatteintäkterna har utvecklats bättre än budgeterat. "
    "Kommunen har tagit emot ett fyrtiotal personer från Ukraina. De allmänna valen hölls den "
    "11 september, efter periodens slut.",
    "årsredovisning": "Året präglades av hög inflation, stigande energipriser och räntor och "
    "av kriget i Ukraina. Skatteintäkterna blev högre än budgeterat, men kostnaderna för "
    "placeringar, energi och entreprenader ökade. Efter valet i september tillträdde ett nytt "
    "kommunfullmäktige för mandatperioden 2023–2026.",
}

KOMMUN_FRAMTID = (
    "Pensionskostnaderna ökar kraftigt 2023 och 2024 som en följd av den höga inflationen, "
    "och skatteunderlaget väntas växa långsammare. Fler äldre och fler elever i grundskolan "
    "ökar behoven, medan kompetensförsörjningen är den största risken för verksamheternas "
    "kvalitet. Investeringarna behöver prioriteras så att självfinansieringsgraden kan hållas."
)


# --- writing a nämnd's text ---------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    model: Kommunmodell
    period: Period
    job: str
    tables: dict[str, list[dict[str, str]]]
    figures: dict[str, str]


OWN_TABLES: dict[tuple[str, str], tuple[str, str]] = {
    ("mhn", "årsredovisning"): (
        "Avgiftsintäkterna blev 0,088 mnkr lägre än budgeten, främst för att färre årliga "
        "kontroller av livsmedelsanläggningar kunde göras under vakanserna. Prövningar och "
        "anmälningar inom miljöskyddet gav mer än beräknat.",
        "tbl-egen-avgifter",
    ),
}
"""A nämnd's own table (data/egna/) in its economy text: the sentence before it, its label."""


def embeds(job: str, labels: list[str]) -> str:
    return "\n\n".join(f"{{{{< embed _executed/{job}.ipynb#{label} >}}}}" for label in labels)


def lower(bedomning: str) -> str:
    return bedomning.split(" (")[0].lower()


def goals_text(c: Context) -> str:
    rows = c.tables.get("tbl-maluppfyllelse", [])
    parts = []
    counts = [
        (c.figures.get("antal_uppfyllda", "0"), "antal_uppfyllda", "uppfyllda"),
        (
            c.figures.get("antal_delvis_uppfyllda", "0"),
            "antal_delvis_uppfyllda",
            "delvis uppfyllda",
        ),
        (c.figures.get("antal_ej_uppfyllda", "0"), "antal_ej_uppfyllda", "ej uppfyllda"),
        (c.figures.get("antal_ej_bedombara", "0"), "antal_ej_bedombara", "inte bedömbara"),
    ]
    listed = [f"{m(key)} som {word}" for value, key, word in counts if value not in ("0", "")]
    summary = ", ".join(listed[:-1]) + (" och " if len(listed) > 1 else "") + listed[-1]
    when = "för helåret" if c.period.typ != "årsredovisning" else "för året"
    parts.append(
        f"Av nämndens {m('antal_namndmal')} nämndmål bedöms {summary} {when}. "
        f"{m('antal_indikatorer_uppfyllda')} av {m('antal_indikatorer')} indikatorer når "
        "sina målvärden."
    )
    for row in rows:
        goal, bedomning, skal = (
            row.get("Nämndmål", ""),
            row.get("Bedömning", ""),
            row.get("Skäl", ""),
        )
        if not goal:
            continue
        parts.append(f"*{goal}*: {lower(bedomning)}. {skal}")
    weak = [
        r
        for r in c.tables.get("tbl-indikatorer", [])
        if lower(r.get("Bedömning", "")) in ("ej uppfyllt", "delvis uppfyllt")
    ]
    for row in weak[:2]:
        name = row["Indikator"]
        target = row.get(f"Mål {c.period.year}", "")
        sentence = f"Indikatorn *{name}* hade utfallet {row['Utfall']} mot målvärdet {target}"
        change = row.get("Förändring", "").replace(" (", ", ").rstrip(")")
        if change and change != "–":
            sentence += f" ({change})"
        sentence += "."
        split = row.get("Kvinnor / män", "")
        if "/" in split:
            women, men = (s.strip() for s in split.split("/"))
            sentence += f" Utfallet var {women} för kvinnor och {men} för män"
            a, b = number(women), number(men)
            if a is not None and b is not None and abs(a - b) > 0.05 * max(abs(a), abs(b), 1):
                sentence += ", en skillnad som nämnden särskilt följer."
            else:
                sentence += "."
        parts.append(sentence)
    acts = [
        r
        for r in c.tables.get("tbl-aktiviteter", [])
        if r.get("Status") in ("Pågår", "Försenad", "Avbruten") and r.get("Kommentar")
    ]
    if acts:
        lines = [f"*{a['Aktivitet']}* ({a['Status'].lower()}): {a['Kommentar']}" for a in acts[:3]]
        parts.append("Aktiviteterna för att nå målen:\n\n" + "\n".join(f"- {ln}" for ln in lines))
    elif c.tables.get("tbl-aktiviteter-status"):
        parts.append(
            f"Av nämndens {m('antal_aktiviteter')} aktiviteter är {m('antal_aktiviteter_klara')} "
            "klara; de övriga pågår enligt plan."
        )
    return "\n\n".join(parts)


def economy_text(c: Context) -> str:
    dev = number(c.figures.get("avvikelse_tkr", "0")) or 0.0
    year_end = c.period.typ == "årsredovisning"
    if year_end:
        first = (
            f"Nämnden redovisar ett utfall på {m('utfall_tkr')} mot budgeten {m('budget_tkr')}, "
            f"en avvikelse på {m('avvikelse_tkr')}."
        )
    else:
        first = (
            f"Prognosen för helåret är {m('prognos_tkr')} mot budgeten {m('budget_tkr')}, en "
            f"avvikelse på {m('prognos_avvikelse_tkr')}. Till och med "
            f"{KIND_PERIOD[c.period.typ].split('–')[1]} har {m('utfall_andel_av_budget_procent')} "
            f"av budgeten använts, mot {m('andel_av_aret_procent')} av året."
        )
    parts = [first]
    rows = [r for r in c.tables.get("tbl-drift", []) if r.get("Verksamhet") not in ("Summa", "")]
    scored = [
        (number(r.get("Avvikelse (tkr)", "0")) or 0.0, r["Verksamhet"], r["Avvikelse (tkr)"])
        for r in rows
    ]
    neg = sorted(s for s in scored if s[0] < 0)
    pos = sorted((s for s in scored if s[0] > 0), reverse=True)
    if neg and pos:
        parts.append(
            f"Den största negativa avvikelsen finns inom {neg[0][1].lower()} ({neg[0][2]} tkr), "
            f"och den största positiva inom {pos[0][1].lower()} ({pos[0][2]} tkr)."
        )
    elif neg or pos:
        value, name, text = (neg or pos)[0]
        sign = "negativa" if value < 0 else "positiva"
        parts.append(f"Den största {sign} avvikelsen finns inom {name.lower()} ({text} tkr).")
    if abs(dev) >= 100 or c.job in ORSAK:
        parts.append(ORSAK[c.job] if abs(dev) >= 100 else "Nämnden följer budgeten.")
    if dev < 0 and ATGARD.get(c.job):
        parts.append(ATGARD[c.job])
    inv = [
        r
        for r in c.tables.get("tbl-investeringar", [])
        if r.get("Projekt") not in ("Summa", "")
        and (number(r.get("Avvikelse (tkr)", "0")) or 0) != 0
    ]
    if "uppgift saknas" in c.figures.get("investering_budget_tkr", "uppgift saknas"):
        parts.append("Nämnden har inga egna investeringar.")
    elif inv:
        text = [
            f"Investeringarna: {m('investering_utfall_tkr')} av budgeten "
            f"{m('investering_budget_tkr')} har använts"
            + ("" if year_end else f", och prognosen är {m('investering_prognos_tkr')}")
            + "."
        ]
        for r in inv[:2]:
            value = number(r["Avvikelse (tkr)"]) or 0
            why = (
                "eftersom delar av projektet har försenats och utgifterna flyttas till 2023"
                if value > 0
                else "eftersom kostnaderna har blivit högre än beräknat"
            )
            text.append(f"*{r['Projekt']}* avviker med {r['Avvikelse (tkr)']} tkr {why}.")
        parts.append(" ".join(text))
    else:
        parts.append(
            f"Investeringarna följer planen: {m('investering_utfall_tkr')} av budgeten "
            f"{m('investering_budget_tkr')} har använts hittills."
        )
    own = OWN_TABLES.get((c.job, c.period.typ))
    if own is not None:
        parts += [own[0], embeds(c.job, [own[1]])]
    return "\n\n".join(parts)


def personal_text(c: Context) -> str:
    f = c.figures
    text = (
        f"Sjukfrånvaron var {m('sjukfranvaro_procent')} under {KIND_PERIOD[c.period.typ]}, "
        f"en förändring med {m('sjukfranvaro_forandring_procentenheter')} jämfört med samma "
        f"period förra året. Nämnden har {m('antal_anstallda')} anställda."
    )
    if "saknas" in f.get("sjukfranvaro_kvinnor_procent", "saknas"):
        text += (
            " Sjukfrånvaron redovisas inte per kön, eftersom grupperna är så små att enskilda "
            "personer annars skulle kunna pekas ut."
        )
    else:
        text += (
            f" Bland kvinnorna var sjukfrånvaron {m('sjukfranvaro_kvinnor_procent')} och bland "
            f"männen {m('sjukfranvaro_man_procent')}."
        )
    return text + " " + PERSONAL_ATGARD[c.job]


def control_text(c: Context) -> str:
    rows = [
        r
        for r in c.tables.get("tbl-internkontroll", [])
        if r.get("Resultat") and r["Resultat"] != "Inga avvikelser"
    ]
    intro = (
        f"Internkontrollplanen har {m('antal_kontrollmoment')} kontrollmoment; "
        f"{m('antal_kontrollmoment_avvikelser')} av dem visade avvikelser."
    )
    if not rows:
        return intro + " Inga åtgärder behövs utöver de rutiner som redan finns."
    lines = [
        f"- *{r['Kontrollmoment']}*: {r['Resultat'].lower()}. "
        + r.get("Åtgärd", "").strip("–").strip()
        for r in rows
    ]
    return intro + "\n\n" + "\n".join(ln.rstrip() for ln in lines)


def summary_text(c: Context) -> str:
    dev = number(c.figures.get("avvikelse_tkr", "0")) or 0.0
    if c.period.typ == "årsredovisning":
        econ = f"Året slutade med en avvikelse mot budget på {m('avvikelse_tkr')}."
    else:
        econ = (
            "Nämnden prognostiserar en avvikelse mot budget på "
            f"{m('prognos_avvikelse_tkr')} för helåret."
        )
    tone = (
        "Ekonomin är i balans."
        if abs(dev) < 1000
        else (
            "Överskottet är tillfälligt." if dev > 0 else "Underskottet kräver fortsatta åtgärder."
        )
    )
    return (
        f"{econ} {tone} {m('antal_uppfyllda')} av nämndens {m('antal_namndmal')} nämndmål "
        f"bedöms som uppfyllda och {m('antal_delvis_uppfyllda')} som delvis uppfyllda. "
        f"Sjukfrånvaron var {m('sjukfranvaro_procent')}."
    )


def namnd_body(c: Context) -> str:
    kind = c.period.typ
    template = load_template("namnd")
    texts = {
        "Sammanfattning": summary_text(c),
        "Väsentliga händelser": HANDELSER[c.job][kind],
        "Måluppfyllelse och analys": goals_text(c),
        "Ekonomisk analys och prognos": economy_text(c),
        "Ekonomisk analys": economy_text(c),
        "Personal": personal_text(c),
        "Internkontroll": control_text(c),
        "Framtid och omvärld/risker": FRAMTID[c.job],
    }
    return sections(template, kind, c.job, texts)


def sections(template: Any, kind: str, job: str, texts: dict[str, str]) -> str:
    out = [EXAMPLE_NOTE]
    for s in template.sections(kind):
        heading = s.heading(kind)
        out.append(f"## {heading}")
        out.append(texts[heading])
        labels = s.embeds(kind)
        if labels:
            out.append(embeds(job, labels))
    return "\n\n".join(out)


# --- the kommun's text ---------------------------------------------------------------------


def kommun_body(c: Context) -> str:
    kind = c.period.typ
    year_end = kind == "årsredovisning"
    namnder = [
        r for r in c.tables.get("tbl-drift-namnder", []) if r.get("Nämnd") not in ("Summa", "")
    ]
    scored = sorted(
        (number(r.get("Avvikelse (tkr)", "0")) or 0.0, r["Nämnd"], r["Avvikelse (tkr)"])
        for r in namnder
    )
    deficits = [f"{name.lower()} ({text} tkr)" for value, name, text in scored if value < -1000]
    deficit_text = " och ".join(deficits[:2]) if deficits else "ingen nämnd"
    resultat = (
        f"Årets resultat blev {m('arets_resultat_mnkr')} mot budgeterade "
        f"{m('arets_resultat_budget_mnkr')}"
        if year_end
        else f"Prognosen för årets resultat är {m('arets_resultat_mnkr')} mot budgeterade "
        f"{m('arets_resultat_budget_mnkr')}"
    )
    texts = {
        "Sammanfattning": (
            f"{resultat}. Nämnderna prognostiserar tillsammans en avvikelse mot budget på "
            f"{m('driftavvikelse_tkr')}, främst inom {deficit_text}, men högre "
            f"skatteintäkter väger upp. Av de {m('antal_namndmal')} nämndmålen bedöms "
            f"{m('antal_namndmal_uppfyllda')} som uppfyllda och "
            f"{m('antal_namndmal_delvis_uppfyllda')} "
            f"som delvis uppfyllda. Balanskravet väntas klaras."
        ),
        "Översikt över verksamhetens utveckling": (
            f"{resultat}, vilket motsvarar {m('resultat_andel_skatter_procent')} av skatteintäkter "
            "och generella statsbidrag. Nämnderna redovisar tillsammans en avvikelse mot "
            "budget på "
            f"{m('driftavvikelse_tkr')}, främst inom {deficit_text}, medan skatteintäkterna blev "
            f"högre än budgeterat. Av de {m('antal_namndmal')} nämndmålen är "
            f"{m('antal_namndmal_uppfyllda')} uppfyllda och {m('antal_namndmal_delvis_uppfyllda')} "
            "delvis uppfyllda. Kommunen har "
            f"{m('antal_anstallda')} anställda."
        ),
        "Väsentliga händelser": KOMMUN_HANDELSER[kind],
        "Måluppfyllelse och analys": (
            f"Inget av de {m('antal_inriktningsmal')} inriktningsmålen är helt uppfyllt: de flesta "
            "bedöms som delvis uppfyllda, eftersom nämndmålen som bidrar till dem har blandade "
            f"resultat. Av de {m('antal_namndmal')} nämndmålen är {m('antal_namndmal_uppfyllda')} "
            f"uppfyllda, {m('antal_namndmal_delvis_uppfyllda')} delvis uppfyllda och "
            f"{m('antal_namndmal_ej_uppfyllda')} ej uppfyllda; {m('antal_namndmal_ej_bedombara')} "
            "kan inte bedömas. Skolresultaten i årskurs 9 och sjukfrånvaron bland kommunens "
            f"anställda är de största utmaningarna.\n\nDen röda tråden har {m('antal_luckor')} "
            "luckor: inget nämndmål bidrar till inriktningsmålet om näringsliv och arbete, och "
            "kommunstyrelsens mål om digitala tjänster saknar indikator. Kommunstyrelsen föreslår "
            "att båda åtgärdas i målarbetet inför nästa mandatperiod."
        ),
        "God ekonomisk hushållning": (
            f"{m('antal_finansiella_mal_uppfyllda')} av de {m('antal_finansiella_mal')} "
            "finansiella målen "
            + ("uppfylldes" if year_end else "väntas uppfyllas för helåret")
            + f". Resultatet motsvarar {m('resultat_andel_skatter_procent')} av skatteintäkter och "
            f"generella statsbidrag, och investeringarna finansieras till "
            f"{m('sjalvfinansieringsgrad_procent')} med egna medel. Sammantaget bedöms kommunen "
            + ("ha haft" if year_end else "ha")
            + " en god ekonomisk hushållning ur finansiellt perspektiv, men verksamhetsmålen är "
            "bara delvis uppfyllda."
        ),
        "Balanskravsresultat": (
            f"Balanskravsresultatet {'blev' if year_end else 'beräknas till'} "
            f"{m('balanskravsresultat_mnkr')}. Balanskravet "
            f"{'är' if year_end else 'väntas bli'} uppfyllt, och "
            "det finns inga tidigare negativa resultat att återställa. Ingen reservering till "
            "resultatutjämningsreserven görs."
        ),
        "Ekonomisk analys och prognos": (
            f"{resultat}. Skatter och generella statsbidrag beräknas till "
            f"{m('skatter_och_statsbidrag_mnkr')}, och verksamhetens nettokostnader motsvarar "
            f"{m('nettokostnadsandel_procent')} av dem. Nämndernas sammanlagda avvikelse är "
            f"{m('driftavvikelse_tkr')}, med de största underskotten inom {deficit_text}.\n\n"
            f"Nettoinvesteringarna beräknas till {m('nettoinvesteringar_mnkr')}. Soliditeten är "
            f"{m('soliditet_procent')} och {m('soliditet_inkl_pension_procent')} inklusive "
            f"pensionsförpliktelserna, och kassalikviditeten är {m('kassalikviditet_procent')}."
        ),
        "Ekonomisk analys": (
            f"{resultat}. Skatter och generella statsbidrag blev "
            f"{m('skatter_och_statsbidrag_mnkr')}, "
            "och verksamhetens nettokostnader motsvarade "
            f"{m('nettokostnadsandel_procent')} av dem. "
            f"Nämndernas sammanlagda avvikelse blev {m('driftavvikelse_tkr')}, med de största "
            f"underskotten inom {deficit_text}.\n\nNettoinvesteringarna uppgick till "
            f"{m('nettoinvesteringar_mnkr')} och finansierades till "
            f"{m('sjalvfinansieringsgrad_procent')} med egna medel. Soliditeten var "
            f"{m('soliditet_procent')} och {m('soliditet_inkl_pension_procent')} inklusive "
            f"pensionsförpliktelserna. Kassalikviditeten var {m('kassalikviditet_procent')}."
        ),
        "Personal": (
            f"Kommunen har {m('antal_anstallda')} anställda. Sjukfrånvaron var "
            f"{m('sjukfranvaro_procent')} under {KIND_PERIOD[kind]}, högst inom socialnämnden och "
            "barn- och utbildningsnämnden och högre bland kvinnor än bland män. Kompetens"
            "försörjningen är den största utmaningen, särskilt för lärare, undersköterskor och "
            "socionomer."
        ),
        "Internkontroll": (
            "Kommunstyrelsen har följt upp nämndernas internkontrollplaner. De flesta kontroll"
            "momenten genomfördes utan avvikelser; de avvikelser som hittades gäller främst "
            "uppföljning av elevers frånvaro, dokumentation i socialtjänsten och tillsynsplanen "
            "för livsmedel, och nämnderna har beslutat om åtgärder."
        ),
        "Framtid och omvärld/risker": KOMMUN_FRAMTID,
        "Förväntad utveckling": KOMMUN_FRAMTID,
    }
    return sections(load_template("kommun"), kind, KOMMUN_JOB, texts)


# --- files ---------------------------------------------------------------------------------


def front_matter(model: Kommunmodell, period: Period, job: str) -> str:
    if job == KOMMUN_JOB:
        title, ansvarig = "Kommunen som helhet", "Annika Lindqvist"
    else:
        namnd = model.namnd(job)
        title, ansvarig = namnd.namn, namnd.skribenter[0]
    return "\n".join(
        [
            "---",
            f'title: "{title}"',
            f'subtitle: "{period.titel}"',
            "status: klar",
            f'ansvarig: "{ansvarig}"',
            "metadata-files:",
            f"  - _executed/{job}.yml",
            "---",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    built = ProjectPaths(Path(argv[0]).resolve())
    overwrite = "--skriv-over" in argv
    target = ProjectPaths(REPO)
    model = load_model(built)
    written = 0
    for period in model.perioder.perioder:
        for job in period_jobs(model, period):
            path = target.narrative_file(period.id, job)
            if path.exists() and not overwrite:
                continue
            c = Context(
                model,
                period,
                job,
                tables(built.executed_notebook(period.id, job)),
                key_figures(built, period.id, job),
            )
            body = kommun_body(c) if job == KOMMUN_JOB else namnd_body(c)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(front_matter(model, period, job) + "\n" + body + "\n", encoding="utf-8")
            written += 1
    print(f"Skrev {written} filer.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
