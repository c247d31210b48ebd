//! Excel-safe CSV cells: shared by every export, so spreadsheet formula injection is handled once.

/// A cell a spreadsheet would treat as a formula gets a leading apostrophe.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A neutralised cell, always quoted.
pub fn csv_cell(v: &str) -> String {
    format!("\"{}\"", neutralise(v).replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_neutralise_formulas_and_quote() {
        assert_eq!(csv_cell("=SUM(A1)"), "\"'=SUM(A1)\"");
        assert_eq!(csv_cell("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_cell("-1"), "\"'-1\"");
        assert_eq!(csv_cell("plain"), "\"plain\"");
        assert_eq!(neutralise("@x"), "'@x");
    }
}
