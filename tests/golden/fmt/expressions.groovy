properties([parameters([string(name:'A',defaultValue:'x')]), [$class:'BuildDiscarderProperty']])
total=1+2*3
flag = !enabled&&count>=10||name=~/^rel-.*/
label = isMain?'main':'branch'
fallback = value?:'default'
range = 1..5
negative = -1
settings = [ name:'x' , 'quoted key':2, "other":[1,2,3], empty:[:], none:[] ]
echo(env?.BRANCH_NAME)
echo(items*.name)
echo(map['key'])
node('linux') {
    stage('scripted') {
        echo "total is ${total}"
    }
}
