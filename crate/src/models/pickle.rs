//! A restricted unpickler: the part of Python's pickle machine a PyTorch state dict needs.
//!
//! Python's `pickle` calls whatever global a file names, which is how a malicious `.pth` runs
//! code. This reader interprets the opcodes itself and resolves only an allow-list of globals to
//! inert values (a dict constructor, the tensor rebuild functions, storage dtypes); any other
//! global stops the load with an error naming it, before anything could be called. Values keep
//! value semantics (a memo `GET` copies), so every object's nesting depth and the total work are
//! bounded: hostile input gets an error, never a stack overflow or an exponential blow-up.
//!
//! Opcodes are those of protocols 2–4 that `torch.save` emits (PEP 307 and PEP 3154 describe them).

use safetensors::Dtype;

/// Nesting deeper than this is refused (a state dict nests about four levels).
const MAX_DEPTH: usize = 64;

/// A value on the pickle machine's stack.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    None,
    Bool(bool),
    /// Wide enough for the 10-byte magic number of PyTorch's legacy format.
    Int(i128),
    Float(f64),
    Str(String),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    /// Insertion-ordered pairs (Python's dict and `OrderedDict` alike).
    Dict(Vec<(Value, Value)>),
    Global(Global),
    Storage(StorageRef),
    Tensor(TensorRef),
}

/// The only globals a file may name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Global {
    OrderedDict,
    RebuildTensorV2,
    RebuildParameter,
    /// `torch.FloatStorage` and friends: only a dtype tag inside a storage's persistent id.
    Storage(Dtype),
}

/// A storage named by a persistent id: its key in the file and its element type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StorageRef {
    pub key: String,
    pub dtype: Dtype,
    /// Elements from the start of the stored data (legacy storage views; 0 otherwise).
    pub offset: usize,
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TensorRef {
    pub storage: StorageRef,
    /// In elements from the storage's start.
    pub offset: usize,
    pub shape: Vec<usize>,
    /// In elements.
    pub strides: Vec<usize>,
}

/// Maps a `module.name` global to an allowed value, or refuses it.
fn global(module: &str, name: &str) -> Result<Global, String> {
    let dtype = |n: &str| match n {
        "FloatStorage" => Some(Dtype::F32),
        "HalfStorage" => Some(Dtype::F16),
        "BFloat16Storage" => Some(Dtype::BF16),
        "DoubleStorage" => Some(Dtype::F64),
        // Integer tensors (e.g. BatchNorm's `num_batches_tracked`) load as entries that are
        // reported, not converted.
        "LongStorage" => Some(Dtype::I64),
        "IntStorage" => Some(Dtype::I32),
        "ShortStorage" => Some(Dtype::I16),
        "CharStorage" => Some(Dtype::I8),
        "ByteStorage" => Some(Dtype::U8),
        "BoolStorage" => Some(Dtype::BOOL),
        _ => None,
    };
    match (module, name) {
        ("collections", "OrderedDict") => Ok(Global::OrderedDict),
        ("torch._utils", "_rebuild_tensor_v2") => Ok(Global::RebuildTensorV2),
        ("torch._utils", "_rebuild_parameter") => Ok(Global::RebuildParameter),
        ("torch", n) => dtype(n)
            .map(Global::Storage)
            .ok_or_else(|| refused(module, name)),
        _ => Err(refused(module, name)),
    }
}

fn refused(module: &str, name: &str) -> String {
    format!(
        "it names the Python global `{module}.{name}`, which a state dict never needs; glassbox \
         does not run code from checkpoints (if you trust the file, load it in Python and save \
         `model.state_dict()` with `torch.save` or as safetensors)"
    )
}

/// How a persistent id (`BINPERSID`) names a storage: the zip format's 5-tuple
/// `('storage', type, key, location, numel)`, or the legacy 6-tuple with a view description.
fn persistent_load(pid: Value) -> Result<Value, String> {
    let Value::Tuple(items) = pid else {
        return Err("a persistent id is not a tuple".into());
    };
    match items.as_slice() {
        [Value::Str(tag), Value::Global(Global::Storage(dtype)), Value::Str(key), _, _, rest @ ..]
            if tag == "storage" && rest.len() <= 1 =>
        {
            let offset = match rest.first() {
                None | Some(Value::None) => 0,
                Some(Value::Tuple(view)) => match view.as_slice() {
                    [Value::Str(_), Value::Int(offset), _] => to_usize(*offset)?,
                    _ => return Err("a storage view is not (key, offset, size)".into()),
                },
                Some(_) => return Err("a storage view is not a tuple".into()),
            };
            Ok(Value::Storage(StorageRef {
                key: key.clone(),
                dtype: *dtype,
                offset,
            }))
        }
        _ => Err("a persistent id is not a PyTorch storage".into()),
    }
}

/// Calls an allowed global (`REDUCE`).
fn call(function: Global, args: Vec<Value>) -> Result<Value, String> {
    match (function, args.as_slice()) {
        (Global::OrderedDict, []) => Ok(Value::Dict(Vec::new())),
        // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
        (
            Global::RebuildTensorV2,
            [Value::Storage(storage), Value::Int(offset), Value::Tuple(size), Value::Tuple(stride), _, _, ..],
        ) if args.len() <= 7 => {
            let dims = |t: &[Value]| -> Result<Vec<usize>, String> {
                t.iter()
                    .map(|v| match v {
                        Value::Int(i) => to_usize(*i),
                        _ => Err("a tensor size or stride is not an integer".into()),
                    })
                    .collect()
            };
            let (shape, strides) = (dims(size)?, dims(stride)?);
            if shape.len() != strides.len() {
                return Err(format!(
                    "a tensor has {} sizes but {} strides",
                    shape.len(),
                    strides.len()
                ));
            }
            Ok(Value::Tensor(TensorRef {
                storage: storage.clone(),
                offset: to_usize(*offset)?,
                shape,
                strides,
            }))
        }
        // _rebuild_parameter(data, requires_grad, hooks): the parameter is its tensor.
        (Global::RebuildParameter, [Value::Tensor(t), _, _]) => Ok(Value::Tensor(t.clone())),
        (f, _) => Err(format!("unexpected arguments for {f:?}")),
    }
}

fn to_usize(i: i128) -> Result<usize, String> {
    usize::try_from(i).map_err(|_| format!("{i} is not a valid size, stride or offset"))
}

/// Nesting depth of `v` (a scalar is 0), computed only up to [`MAX_DEPTH`] + 1.
fn depth(v: &Value) -> usize {
    let deepest = |it: &mut dyn Iterator<Item = &Value>| it.map(depth).max().unwrap_or(0);
    match v {
        Value::Tuple(xs) | Value::List(xs) => 1 + deepest(&mut xs.iter()),
        Value::Dict(kv) => 1 + deepest(&mut kv.iter().flat_map(|(k, v)| [k, v])),
        _ => 0,
    }
}

/// Work units a copy of `v` costs (one per value, one per 16 string bytes).
fn cost(v: &Value) -> usize {
    match v {
        Value::Str(s) => 1 + s.len() / 16,
        Value::Tuple(xs) | Value::List(xs) => 1 + xs.iter().map(cost).sum::<usize>(),
        Value::Dict(kv) => 1 + kv.iter().map(|(k, v)| cost(k) + cost(v)).sum::<usize>(),
        _ => 1,
    }
}

/// Runs one pickle from the start of `data`; returns its value and the bytes it used.
///
/// Errors are reasons in words, for the caller to wrap with the file's name.
pub(crate) fn load(data: &[u8]) -> Result<(Value, usize), String> {
    Machine {
        data,
        pos: 0,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: std::collections::HashMap::new(),
        // Copies from the memo may cost this much in total; legitimate files copy only
        // short strings and globals.
        budget: 1 << 20 | data.len().saturating_mul(4),
    }
    .run()
}

struct Machine<'a> {
    data: &'a [u8],
    pos: usize,
    stack: Vec<Value>,
    marks: Vec<usize>,
    memo: std::collections::HashMap<u32, Value>,
    budget: usize,
}

impl Machine<'_> {
    fn run(mut self) -> Result<(Value, usize), String> {
        loop {
            let at = self.pos;
            let op = self.take(1)?[0];
            self.step(op)
                .map_err(|e| format!("{e} (pickle opcode 0x{op:02x} at byte {at})"))?;
            if op == b'.' {
                let top = self.pop()?;
                return Ok((top, self.pos));
            }
        }
    }

    fn step(&mut self, op: u8) -> Result<(), String> {
        match op {
            0x80 => match self.take(1)?[0] {
                2..=5 => {}
                p => return Err(format!("pickle protocol {p} is not supported")),
            },
            0x95 => drop(self.take(8)?), // FRAME: a length hint only
            b'.' => {}                   // STOP, handled by `run`
            b'(' => self.marks.push(self.stack.len()),
            b'0' => drop(self.pop()?),
            b'1' => drop(self.pop_mark()?),
            b'2' => {
                let top = self.top()?.clone();
                self.push(top)?
            }
            b'N' => self.push(Value::None)?,
            0x88 => self.push(Value::Bool(true))?,
            0x89 => self.push(Value::Bool(false))?,
            b'K' => {
                let v = self.take(1)?[0];
                self.push(Value::Int(v.into()))?
            }
            b'M' => {
                let v = u16::from_le_bytes(self.array()?);
                self.push(Value::Int(v.into()))?
            }
            b'J' => {
                let v = i32::from_le_bytes(self.array()?);
                self.push(Value::Int(v.into()))?
            }
            0x8a => {
                let n = self.take(1)?[0] as usize;
                let bytes = self.take(n)?;
                if n > 16 {
                    return Err(format!("a {n}-byte integer is too large"));
                }
                // Little-endian two's complement, sign-extended.
                let fill = if bytes.last().is_some_and(|b| b & 0x80 != 0) {
                    0xff
                } else {
                    0
                };
                let mut wide = [fill; 16];
                wide[..n].copy_from_slice(bytes);
                self.push(Value::Int(i128::from_le_bytes(wide)))?
            }
            b'G' => {
                let v = f64::from_be_bytes(self.array()?);
                self.push(Value::Float(v))?
            }
            b'X' | 0x8c | 0x8d | b'T' | b'U' => {
                let n = match op {
                    0x8c | b'U' => self.take(1)?[0] as usize,
                    0x8d => {
                        usize::try_from(u64::from_le_bytes(self.array()?)).unwrap_or(usize::MAX)
                    }
                    _ => u32::from_le_bytes(self.array()?) as usize,
                };
                let s = String::from_utf8_lossy(self.take(n)?).into_owned();
                self.push(Value::Str(s))?
            }
            b')' => self.push(Value::Tuple(Vec::new()))?,
            b']' => self.push(Value::List(Vec::new()))?,
            b'}' => self.push(Value::Dict(Vec::new()))?,
            b't' => {
                let items = self.pop_mark()?;
                self.push(Value::Tuple(items))?
            }
            b'l' => {
                let items = self.pop_mark()?;
                self.push(Value::List(items))?
            }
            0x85..=0x87 => {
                let n = (op - 0x84) as usize;
                let at = self.stack.len().checked_sub(n).ok_or("stack underflow")?;
                let items = self.stack.split_off(at);
                self.push(Value::Tuple(items))?
            }
            b'a' | b'e' => {
                let items = if op == b'a' {
                    vec![self.pop()?]
                } else {
                    self.pop_mark()?
                };
                self.check_children(&items)?;
                match self.stack.last_mut() {
                    Some(Value::List(list)) => list.extend(items),
                    _ => return Err("APPEND to something that is not a list".into()),
                }
            }
            b'd' | b's' | b'u' => {
                let flat = match op {
                    b's' => {
                        let v = self.pop()?;
                        vec![self.pop()?, v]
                    }
                    _ => self.pop_mark()?,
                };
                if flat.len() % 2 != 0 {
                    return Err("dict items come in an odd number".into());
                }
                self.check_children(&flat)?;
                let mut it = flat.into_iter();
                let pairs: Vec<_> = std::iter::from_fn(|| Some((it.next()?, it.next()?))).collect();
                if op == b'd' {
                    self.push(Value::Dict(pairs))?
                } else {
                    match self.stack.last_mut() {
                        Some(Value::Dict(dict)) => dict.extend(pairs),
                        _ => return Err("SETITEM on something that is not a dict".into()),
                    }
                }
            }
            b'q' | b'r' | 0x94 => {
                let key = match op {
                    b'q' => self.take(1)?[0].into(),
                    b'r' => u32::from_le_bytes(self.array()?),
                    _ => self.memo.len() as u32,
                };
                let top = self.top()?.clone();
                self.spend(&top)?;
                self.memo.insert(key, top);
            }
            b'h' | b'j' => {
                let key = match op {
                    b'h' => self.take(1)?[0].into(),
                    _ => u32::from_le_bytes(self.array()?),
                };
                let v = self
                    .memo
                    .get(&key)
                    .ok_or(format!("memo {key} is empty"))?
                    .clone();
                self.spend(&v)?;
                self.push(v)?
            }
            b'c' => {
                let module = self.line()?;
                let name = self.line()?;
                self.push(Value::Global(global(&module, &name)?))?
            }
            0x93 => match (self.pop()?, self.pop()?) {
                (Value::Str(name), Value::Str(module)) => {
                    self.push(Value::Global(global(&module, &name)?))?
                }
                _ => return Err("STACK_GLOBAL without two strings".into()),
            },
            b'R' => {
                let args = self.pop()?;
                let function = self.pop()?;
                match (function, args) {
                    (Value::Global(f), Value::Tuple(args)) => {
                        let v = call(f, args)?;
                        self.push(v)?
                    }
                    _ => return Err("REDUCE of something that is not an allowed global".into()),
                }
            }
            b'Q' => {
                let pid = self.pop()?;
                let v = persistent_load(pid)?;
                self.push(v)?
            }
            // BUILD: the only state a state dict sets is an OrderedDict's `_metadata`; drop it.
            b'b' => {
                drop(self.pop()?);
                if !matches!(self.top()?, Value::Dict(_)) {
                    return Err("BUILD on something that is not a dict".into());
                }
            }
            _ => return Err("this opcode is not one a state dict needs".into()),
        }
        Ok(())
    }

    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or("the pickle ends early (truncated file?)")?;
        let bytes = &self.data[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    /// A newline-terminated ASCII argument (`GLOBAL`'s module and name).
    fn line(&mut self) -> Result<String, String> {
        let rest = &self.data[self.pos..];
        let n = rest.iter().take(256).position(|&b| b == b'\n');
        let n = n.ok_or("a GLOBAL name is not terminated")?;
        let s = String::from_utf8_lossy(&rest[..n]).into_owned();
        self.pos += n + 1;
        Ok(s)
    }

    fn push(&mut self, v: Value) -> Result<(), String> {
        if depth(&v) > MAX_DEPTH {
            return Err(format!("values nest deeper than {MAX_DEPTH} levels"));
        }
        self.stack.push(v);
        Ok(())
    }

    /// Items added to an existing container keep it within [`MAX_DEPTH`].
    fn check_children(&self, items: &[Value]) -> Result<(), String> {
        match items.iter().map(depth).max() {
            Some(d) if d + 1 > MAX_DEPTH => {
                Err(format!("values nest deeper than {MAX_DEPTH} levels"))
            }
            _ => Ok(()),
        }
    }

    fn spend(&mut self, v: &Value) -> Result<(), String> {
        self.budget = self
            .budget
            .checked_sub(cost(v))
            .ok_or("the pickle copies more data than a state dict does")?;
        Ok(())
    }

    fn pop(&mut self) -> Result<Value, String> {
        if self.marks.last().is_some_and(|&m| m >= self.stack.len()) {
            return Err("stack underflow at a MARK".into());
        }
        self.stack.pop().ok_or_else(|| "stack underflow".into())
    }

    fn top(&self) -> Result<&Value, String> {
        self.stack.last().ok_or_else(|| "stack underflow".into())
    }

    fn pop_mark(&mut self) -> Result<Vec<Value>, String> {
        let mark = self.marks.pop().ok_or("no MARK on the stack")?;
        Ok(self.stack.split_off(mark.min(self.stack.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // python -c "import pickle, collections; print(pickle.dumps(collections.OrderedDict([('a', 1)]), 2))"
    const ORDERED_DICT: &[u8] =
        b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00aq\x02K\x01s.";

    #[test]
    fn ordered_dict_with_an_int() {
        let (v, used) = load(ORDERED_DICT).unwrap();
        assert_eq!(used, ORDERED_DICT.len());
        assert_eq!(
            v,
            Value::Dict(vec![(Value::Str("a".into()), Value::Int(1))])
        );
    }

    #[test]
    fn foreign_globals_are_refused_by_name() {
        // python -c "import pickle, os; print(pickle.dumps(os.system, 2))" (then a call)
        let e = load(b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00idq\x00\x85R.").unwrap_err();
        assert!(e.contains("`posix.system`"), "{e}");
        let e = load(b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93.").unwrap_err();
        assert!(e.contains("`builtins.eval`"), "{e}");
        let e = load(b"\x80\x02ctorch\nload\n.").unwrap_err();
        assert!(e.contains("`torch.load`"), "{e}");
    }

    #[test]
    fn legacy_magic_number_and_negative_ints() {
        // pickle.dumps(0x1950a86a20f9469cfc6c, 2) and pickle.dumps(-2, 2)
        let (v, _) = load(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.").unwrap();
        assert_eq!(v, Value::Int(0x1950a86a20f9469cfc6c));
        let (v, _) = load(b"\x80\x02J\xfe\xff\xff\xff.").unwrap();
        assert_eq!(v, Value::Int(-2));
    }

    #[test]
    fn hostile_shapes_are_errors() {
        // 100 nested empty tuples: MARK×100 then TUPLE×100.
        let mut deep = b"\x80\x02".to_vec();
        deep.extend([b'('; 100]);
        deep.extend([b't'; 100]);
        deep.push(b'.');
        assert!(load(&deep).unwrap_err().contains("nest deeper"));
        // x = [x, x] repeated: doubling copies run out of budget.
        let mut doubling = b"\x80\x02]q\x00".to_vec();
        for _ in 0..60 {
            doubling.extend(b"0(h\x00h\x00lq\x00");
        }
        doubling.push(b'.');
        assert!(load(&doubling).unwrap_err().contains("copies more"));
        assert!(load(b"\x80\x02").unwrap_err().contains("truncated"));
        assert!(load(b"\x80\x02s.").unwrap_err().contains("underflow"));
    }
}
