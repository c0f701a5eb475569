@Library('shared-lib@1.0') _
import groovy.transform.Field

@Field def GREETING = 'hello'
def helper(String name) {
    return "${GREETING} ${name}"
}

def answer = 42

pipeline {
    agent any
    stages {
        stage('outside') {
            steps {
                script {
                    echo helper('world')
                }
            }
        }
    }
}

class Util implements Serializable {
    static String twice(String s) { s + s }
}
