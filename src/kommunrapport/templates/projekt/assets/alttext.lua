-- kommunrapport: diagrammens alt-text också i Word.
--
-- Varje diagram kommer från anteckningsböckerna som en bild med alt-text i attributet
-- fig-alt: ![](_executed/<nämnd>_files/fig-drift.png){fig-alt="…"}. Quarto gör den till
-- alt i HTML och i PDF, men i Word skriver pandoc bildens beskrivning (wp:docPr descr)
-- bara från bildens egen text, som är tom. Filtret ger därför bilden i Word sin alt-text
-- (fig-alt, annars alt, på bilden eller på figuren runt den) som beskrivning, så att
-- Word-filen uppfyller samma krav som webbsidan (DOS-lagen). Bilder utan alt-text, som
-- ikonen i en ruta (callout), är dekorativa och behåller en tom beskrivning.
--
-- Filtret läggs till i _quarto.yml (filters:) efter Quartos egna filter (at: post-render)
-- och gör bara något för Word (docx).

local function alt_of(el)
  local alt = el.attributes["fig-alt"] or el.attributes["alt"]
  if alt == nil or alt == "" then
    return nil
  end
  return alt
end

local function describe(img, alt)
  if #img.caption > 0 then
    return nil
  end
  img.caption = pandoc.Inlines(alt)
  return img
end

function Image(img)
  if not FORMAT:match("docx") then
    return nil
  end
  local alt = alt_of(img)
  if alt == nil then
    return nil
  end
  return describe(img, alt)
end

-- Quarto kan flytta fig-alt från bilden till figuren runt den.
local function figure_alt(el)
  if not FORMAT:match("docx") then
    return nil
  end
  local alt = alt_of(el)
  if alt == nil then
    return nil
  end
  return el:walk({
    Image = function(img)
      return describe(img, alt)
    end,
  })
end

Figure = figure_alt
Div = figure_alt
