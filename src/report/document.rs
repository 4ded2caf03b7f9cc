//! The postmortem draft as a small tree of blocks holding plain text, so
//! markdown and html say the same thing and each escapes in its own way.

/// A whole draft: a title and its sections.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub title: String,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Every string in a block is plain, untrusted text: renderers escape it.
#[derive(Clone, Debug)]
pub enum Block {
    Para(String),
    /// Guidance for whoever writes the review; printed in italics.
    Prompt(String),
    /// Label and value pairs.
    Facts(Vec<(&'static str, String)>),
    List(Vec<String>),
    Subheading(String),
    Table(Table),
    /// The timeline's entries, a subheading and a table a day, written as
    /// they are read (see [`super::postmortem::timeline_rows`]).
    Timeline,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Section {
    pub fn new(title: &str) -> Section {
        Section {
            title: title.to_string(),
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, block: Block) -> &mut Section {
        self.blocks.push(block);
        self
    }
}
