pipeline {
    agent any
    stages {
        stage('build') {
            when {
                allOf(thing: 'x') {
                    branch 'main'
                }
            }
            steps {
                echo 'hi'
            }
        }
    }
}
