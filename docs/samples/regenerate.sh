#!/bin/sh
# Regenerates the reviewed page images of docs/samples/ (issue 11, item 9): three pages of the
# annual report rebuilt from seed 004's three blocks — the contents, the first block's rating
# with its analysis, and a body page. The pages are found by their headings, not by number, so
# a change of layout shows in review as a changed image.
#
#   docs/samples/regenerate.sh            # uses `cargo run -q -p bagalau --`
#   BAGALAU=target/release/bagalau docs/samples/regenerate.sh
#
# Needs chromium, pdftoppm, pdftotext and pdfinfo (poppler-utils).
set -eu
cd "$(dirname "$0")/../.."
BAGALAU=${BAGALAU:-"cargo run -q -p bagalau --"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pdf="$tmp/annual.pdf"

$BAGALAU report annual --period 2020 --format pdf --out "$pdf" \
    --scores "Достижение целей=examples/2020-rating/goals.csv" \
    --scores "Взаимодействие с физическими и юридическими лицами=examples/2020-rating/interaction.csv" \
    --scores "Организационное развитие=examples/2020-rating/organisational.csv" >/dev/null

pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')

# The first page on which the heading is a line of its own (the contents' line ends with a number).
page_of() {
    i=1
    while [ "$i" -le "$pages" ]; do
        if pdftotext -layout -f "$i" -l "$i" "$pdf" - | grep -qx "[[:space:]]*$1[[:space:]]*"; then
            echo "$i"
            return 0
        fi
        i=$((i + 1))
    done
    echo "heading not found: $1" >&2
    exit 1
}

shot() {
    pdftoppm -r 70 -png -f "$2" -l "$2" -singlefile "$pdf" "docs/samples/$1"
    echo "docs/samples/$1.png (page $2 of $pages)"
}

shot annual-contents "$(page_of 'СОДЕРЖАНИЕ')"
shot annual-block-goals "$(page_of 'РЕЗУЛЬТАТЫ ОПЕРАЦИОННОЙ ОЦЕНКИ')"
shot annual-body-adgs "$(page_of 'Агентство Республики Казахстан по делам государственной службы')"

# Every page of the Karaganda conclusion (seed 003's shape): conclusion-kar-N.png.
kar="$tmp/kar.pdf"
$BAGALAU report conclusion --edition methodologies/2017-services --data examples/2017-karaganda \
    --body kar --format pdf --out "$kar" >/dev/null
rm -f docs/samples/conclusion-kar-*.png
pdftoppm -r 70 -png "$kar" "docs/samples/conclusion-kar"
ls docs/samples/conclusion-kar-*.png
